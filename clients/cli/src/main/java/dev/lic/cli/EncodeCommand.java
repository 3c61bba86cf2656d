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

    @Option(names = "--rate", paramLabel = "R",
            description = "rate index of the default codec pack, 0 = lowest (lic info lists them); default: the pack's default rate")
    Integer rate;

    @Option(names = "--store", description = "also keep the bitstream in the server's store")
    boolean store;

    @Override
    public Integer call() throws Exception {
        try (Backend b = backend.open()) {
            Backend.Encoded e = b.encode(Files.readAllBytes(input), RateOption.of(rate), store);
            Files.write(output, e.bitstream());
            spec.commandLine().getOut().printf("%s: %dx%d, %d bytes, %.4f bpp, codec %s rate %d%s%n", output,
                    e.width(), e.height(), e.bitstream().length, e.bpp(), e.codecId().substring(0, 12),
                    e.rateIndex(), e.storedId().isEmpty() ? "" : ", stored as " + e.storedId());
        }
        return 0;
    }
}
