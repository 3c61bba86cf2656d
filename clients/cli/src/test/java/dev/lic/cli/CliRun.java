package dev.lic.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** Runs the CLI in this JVM, as {@code lic} would, and keeps what the last run printed on stdout. */
final class CliRun {
    private byte[] output = new byte[0];

    /** {@code Main.run(args)}: the exit code; stdout is captured into {@link #output()}. */
    int run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured));
        try {
            return Main.run(args);
        } finally {
            System.setOut(saved);
            output = captured.toByteArray();
        }
    }

    /** What the last {@link #run} printed on stdout, as text. */
    String output() {
        return new String(output, java.nio.charset.Charset.defaultCharset());
    }

    /** What the last {@link #run} printed on stdout, byte for byte (e.g. a PNG written to {@code -o -}). */
    byte[] outputBytes() {
        return output.clone();
    }

    /** Kodak image {@code n} in ../shared/data (or {@code -Dshared.data.dir}). */
    static Path kodak(int n) {
        return Path.of(System.getProperty("shared.data.dir", "../../../shared/data"), "kodak",
                String.format("kodim%02d.png", n));
    }
}
