package dev.lic.cli;

import dev.lic.client.LicClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Fetch a stored bitstream by id.")
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    OfflineStoreOption offline;

    @Parameters(index = "0", description = "id")
    String id;

    @Option(names = {"-o", "--output"}, required = true, description = "output bitstream file")
    Path output;

    @Override
    public Integer call() throws Exception {
        byte[] bitstream;
        var local = offline.local();
        if (local.isPresent()) {
            try (LocalStore store = new LocalStore(local.get())) {
                bitstream = store.store().get(id); // verified against the id: STORE_CORRUPT if it does not match
            }
        } else {
            try (LicClient client = server.connect()) {
                bitstream = client.get(id);
            }
        }
        Files.write(output, bitstream);
        spec.commandLine().getOut().printf("%s: %d bytes%n", output, bitstream.length);
        return 0;
    }
}
