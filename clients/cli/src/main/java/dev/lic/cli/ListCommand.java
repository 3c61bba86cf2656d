package dev.lic.cli;

import dev.lic.client.LicClient;
import dev.lic.proto.v1.ListResponse;
import dev.lic.proto.v1.StoredBitstream;
import java.io.PrintWriter;
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

    @Option(names = "--page-size", defaultValue = "500", description = "entries per request (default ${DEFAULT-VALUE})")
    int pageSize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LicClient client = server.connect()) {
            String token = "";
            do {
                ListResponse page = client.list(pageSize, token);
                for (StoredBitstream s : page.getItemsList()) {
                    out.printf("%s %10d %5dx%-5d %s%n", s.getId(), s.getSizeBytes(), s.getWidth(), s.getHeight(),
                            s.getCodecId().isEmpty() ? "-" : s.getCodecId().substring(0, 12));
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty());
        }
        return 0;
    }
}
