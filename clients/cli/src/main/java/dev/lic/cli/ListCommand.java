package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.ListResponse;
import dev.lic.proto.v1.StoredBitstream;
import dev.lic.store.BitstreamStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List stored bitstreams (id, bytes, size, codec).")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    OfflineStoreOption offline;

    @Option(names = "--page-size", defaultValue = "500", description = "entries per request (default ${DEFAULT-VALUE})")
    int pageSize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var local = offline.local();
        if (local.isPresent()) {
            if (pageSize < 1) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--page-size must be >= 1");
            }
            try (LocalStore store = new LocalStore(local.get())) {
                String after = "";
                List<BitstreamStore.StoredEntry> page;
                do {
                    page = store.store().list(after, pageSize);
                    page.forEach(e -> print(out, e.id(), e.sizeBytes(), e.width(), e.height(), e.codecId()));
                    after = page.isEmpty() ? after : page.get(page.size() - 1).id();
                } while (page.size() == pageSize);
            }
            return 0;
        }
        try (LicClient client = server.connect()) {
            String token = "";
            do {
                ListResponse page = client.list(pageSize, token);
                for (StoredBitstream s : page.getItemsList()) {
                    print(out, s.getId(), s.getSizeBytes(), s.getWidth(), s.getHeight(), s.getCodecId());
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty());
        }
        return 0;
    }

    private static void print(PrintWriter out, String id, long size, int width, int height, String codecId) {
        out.printf("%s %10d %5dx%-5d %s%n", id, size, width, height,
                codecId.isEmpty() ? "-" : codecId.substring(0, Math.min(12, codecId.length())));
    }
}
