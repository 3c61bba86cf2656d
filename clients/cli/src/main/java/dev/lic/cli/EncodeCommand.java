package dev.lic.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "encode", mixinStandardHelpOptions = true, description = "Encode a PNG/JPEG image into a bitstream.")
final class EncodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Parameters(index = "0", description = "input image (PNG or JPEG)")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, description = "output bitstream file (.lic)")
    Path output;

    @Option(names = "--rate", defaultValue = "0", description = "rate index (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--store", description = "also keep the bitstream in the server's store")
    boolean store;

    @Override
    public Integer call() throws Exception {
        try (Backend b = backend.open()) {
            Backend.Encoded e = b.encode(Files.readAllBytes(input), rate, store);
            Files.write(output, e.bitstream());
            spec.commandLine().getOut().printf("%s: %dx%d, %d bytes, %.4f bpp, codec %s%s%n", output,
                    e.width(), e.height(), e.bitstream().length, e.bpp(), e.codecId().substring(0, 12),
                    e.storedId().isEmpty() ? "" : ", stored as " + e.storedId());
        }
        return 0;
    }
}
