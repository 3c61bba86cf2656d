package dev.lic.cli;

import dev.lic.client.LicClient;
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

    @Parameters(index = "0", description = "bitstream file (.lic)")
    Path input;

    @Override
    public Integer call() throws Exception {
        try (LicClient client = server.connect()) {
            PutResponse r = client.put(Files.readAllBytes(input));
            spec.commandLine().getOut().println(r.getId() + (r.getCreated() ? "" : " (already stored)"));
        }
        return 0;
    }
}
