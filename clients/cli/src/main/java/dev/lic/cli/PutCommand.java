package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.core.Limits;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.store.BitstreamStore;
import dev.lic.proto.v1.PutResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "put", mixinStandardHelpOptions = true, description = "Store a bitstream file; prints its id.")
final class PutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    OfflineStoreOption offline;

    @Parameters(index = "0", description = "bitstream file (.lic)")
    Path input;

    @Override
    public Integer call() throws Exception {
        byte[] bitstream = Files.readAllBytes(input);
        var local = offline.local();
        if (local.isPresent()) {
            // The store takes any bytes; only bitstreams belong in it: the server's checks on Put.
            if (bitstream.length > Limits.DEFAULT_MAX_BITSTREAM_BYTES) {
                throw new LicException(ErrorKind.TOO_LARGE, "bitstream of " + bitstream.length
                        + " bytes is over the limit of " + Limits.DEFAULT_MAX_BITSTREAM_BYTES);
            }
            BitstreamFormat.parse(bitstream);
            try (LocalStore store = new LocalStore(local.get())) {
                BitstreamStore.PutResult r = store.store().put(bitstream);
                print(r.id(), r.created());
            }
            return 0;
        }
        try (LicClient client = server.connect()) {
            PutResponse r = client.put(bitstream);
            print(r.getId(), r.getCreated());
        }
        return 0;
    }

    private void print(String id, boolean created) {
        spec.commandLine().getOut().println(id + (created ? "" : " (already stored)"));
    }
}
