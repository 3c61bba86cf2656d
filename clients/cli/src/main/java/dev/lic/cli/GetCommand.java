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

    @Parameters(index = "0", description = "id")
    String id;

    @Option(names = {"-o", "--output"}, required = true, description = "output bitstream file")
    Path output;

    @Override
    public Integer call() throws Exception {
        try (LicClient client = server.connect()) {
            byte[] bitstream = client.get(id);
            Files.write(output, bitstream);
            spec.commandLine().getOut().printf("%s: %d bytes%n", output, bitstream.length);
        }
        return 0;
    }
}
