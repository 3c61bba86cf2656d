package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in offline mode with the shipped packs, and its exit codes for bad input. */
class MainTest {
    @TempDir
    Path dir;

    private static Path kodak(int n) {
        return Path.of(System.getProperty("shared.data.dir", "../../../shared/data"), "kodak",
                String.format("kodim%02d.png", n));
    }

    private int run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured));
        try {
            return Main.run(args);
        } finally {
            System.setOut(saved);
            lastOutput = captured.toString();
        }
    }

    private String lastOutput = "";

    @Test
    void offlineEncodeThenDecodeWritesABitstreamAndAPng() throws Exception {
        Path lic = dir.resolve("k.lic");
        Path png = dir.resolve("k.png");
        assertThat(run("encode", "--offline", kodak(4).toString(), "-o", lic.toString())).isZero();
        assertThat(Files.size(lic)).isGreaterThan(60);
        assertThat(run("decode", "--offline", lic.toString(), "-o", png.toString())).isZero();
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(768);
    }

    @Test
    void offlineRoundTripPrintsBppAndPsnr() {
        assertThat(run("roundtrip", "--offline", kodak(1).toString())).isZero();
        assertThat(lastOutput).contains("kodim01.png").contains("mean over 1 images");
    }

    @Test
    void badInputsGiveTheDocumentedExitCodes() throws Exception {
        Path garbage = dir.resolve("garbage.lic");
        Files.write(garbage, "definitely not a bitstream".getBytes());
        assertThat(run("decode", "--offline", garbage.toString(), "-o", dir.resolve("x.png").toString())).isEqualTo(5);
        Path notImage = dir.resolve("x.png");
        Files.write(notImage, new byte[] {1, 2, 3, 4});
        assertThat(run("encode", "--offline", notImage.toString(), "-o", dir.resolve("y.lic").toString())).isEqualTo(3);
    }

    @Test
    void unreachableServerIsExitCode11() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        assertThat(run("ls", "--server", "localhost:" + freePort, "--timeout", "5")).isEqualTo(11);
    }
}
