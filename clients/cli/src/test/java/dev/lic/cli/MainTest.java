package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.core.CodecOptions;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.proto.v1.RateInfo;
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

    private final CliRun cli = new CliRun();

    @Test
    void offlineEncodeThenDecodeWritesABitstreamAndAPng() throws Exception {
        Path lic = dir.resolve("k.lic");
        Path png = dir.resolve("k.png");
        assertThat(cli.run("encode", "--offline", CliRun.kodak(4).toString(), "-o", lic.toString())).isZero();
        assertThat(Files.size(lic)).isGreaterThan(60);
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", png.toString())).isZero();
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(768);
    }

    @Test
    void offlineDecodeUsesTheActiveInt8HumanAndTakesAVersion() throws Exception {
        Path lic = dir.resolve("k.lic");
        assertThat(cli.run("encode", "--offline", CliRun.kodak(4).toString(), "-o", lic.toString())).isZero();
        Path active = dir.resolve("active.png");
        Path float32 = dir.resolve("v1.png");
        assertThat(cli.run("decode", "--offline", "--json", lic.toString(), "-o", active.toString())).isZero();
        assertThat(cli.output()).contains("\"adaptor\":\"human\"", "\"version\":2");
        assertThat(cli.run("decode", "--offline", "--json", "--adaptor-version", "1", lic.toString(), "-o",
                float32.toString())).isZero();
        assertThat(cli.output()).contains("\"version\":1");
        assertThat(Files.readAllBytes(active)).isNotEqualTo(Files.readAllBytes(float32));
    }

    @Test
    void offlineEncodeTakesARateAndDefaultsToThePacksDefaultRate() throws Exception {
        int defaultRate = CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK)).defaultRate();
        String image = CliRun.kodak(4).toString();
        Path low = dir.resolve("low.lic");
        Path high = dir.resolve("high.lic");
        Path plain = dir.resolve("plain.lic");
        assertThat(cli.run("encode", "--offline", "--rate", "0", image, "-o", low.toString())).isZero();
        assertThat(cli.output()).contains("rate 0");
        assertThat(cli.run("encode", "--offline", image, "--rate", "7", "-o", high.toString())).isZero();
        assertThat(cli.output()).contains("rate 7");
        assertThat(cli.run("encode", "--offline", image, "-o", plain.toString())).isZero();
        assertThat(cli.output()).contains("rate " + defaultRate);
        assertThat(Files.readAllBytes(plain)[6]).as("rate index byte").isEqualTo((byte) defaultRate);
        assertThat(Files.size(low)).isLessThan(Files.size(plain));
        assertThat(Files.size(high)).isGreaterThan(Files.size(plain));
        assertThat(cli.run("decode", "--offline", high.toString(), "-o", dir.resolve("high.png").toString())).isZero();
    }

    @Test
    void offlineEncodeTakesACodecByName() throws Exception {
        String legacyId = CodecPack.declaredCodecId(PackSource.classpath(CodecOptions.LEGACY_CODEC_PACK_V1));
        Path lic = dir.resolve("v1.lic");
        assertThat(cli.run("encode", "--offline", "--codec", "hyperprior-s", CliRun.kodak(4).toString(), "-o", lic.toString()))
                .isZero();
        assertThat(cli.output()).contains("codec " + legacyId.substring(0, 12)).contains("rate 0");
        assertThat(OfflineBackend.codecIdOf(Files.readAllBytes(lic))).isEqualTo(legacyId);
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", dir.resolve("v1.png").toString())).isZero();
        assertThat(cli.run("encode", "--offline", "--codec", "nope", CliRun.kodak(4).toString(), "-o",
                dir.resolve("x.lic").toString())).as("UNKNOWN_CODEC's exit code").isEqualTo(7);
    }

    @Test
    void aRateTheCodecDoesNotHaveIsExitCode2() {
        String image = CliRun.kodak(4).toString();
        assertThat(cli.run("encode", "--offline", "--rate", "99", image, "-o", dir.resolve("a.lic").toString())).isEqualTo(2);
        assertThat(cli.run("encode", "--offline", "--rate", "-1", image, "-o", dir.resolve("b.lic").toString())).isEqualTo(2);
    }

    @Test
    void offlineInfoListsEachCodecsRatesAndMarksTheDefaults() {
        assertThat(cli.run("info", "--offline")).isZero();
        assertThat(cli.output()).contains("hyperprior-vr (default for encoding)", "hyperprior-s (decoding only)",
                "rate 0  lambda 0.0007", "adaptor human v1");
        int defaultRate = CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK)).defaultRate();
        assertThat(cli.output().lines().filter(l -> l.endsWith("(default)")).toList())
                .anySatisfy(l -> assertThat(l.trim()).startsWith("rate " + defaultRate + " "));
    }

    @Test
    void rateLinesShowTheNominalNumbersThePackGives() {
        RateInfo full = RateInfo.newBuilder().setIndex(3).setLambda(0.0034).setKodakBpp(0.3812).setKodakPsnr(29.43)
                .build();
        assertThat(InfoCommand.rateLine(full, false)).isEqualTo("rate 3  lambda 0.0034  ~0.38 bpp  29.4 dB (Kodak)");
        assertThat(InfoCommand.rateLine(RateInfo.newBuilder().setIndex(0).build(), true)).isEqualTo("rate 0  (default)");
    }

    @Test
    void offlineDecodeOfAStoredSingleRateBitstream() throws Exception {
        Path v1 = Path.of("../../testvectors/java/default_blocks_200x130.lic");
        Path png = dir.resolve("v1.png");
        assertThat(cli.run("decode", "--offline", v1.toString(), "-o", png.toString())).isZero();
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(200);
        assertThat(image.getHeight()).isEqualTo(130);
    }

    @Test
    void offlineRoundTripPrintsBppAndPsnr() {
        assertThat(cli.run("roundtrip", "--offline", CliRun.kodak(1).toString())).isZero();
        assertThat(cli.output()).contains("kodim01.png").contains("mean over 1 images");
    }

    @Test
    void badInputsGiveTheDocumentedExitCodes() throws Exception {
        Path garbage = dir.resolve("garbage.lic");
        Files.write(garbage, "definitely not a bitstream".getBytes());
        assertThat(cli.run("decode", "--offline", garbage.toString(), "-o", dir.resolve("x.png").toString())).isEqualTo(5);
        Path notImage = dir.resolve("x.png");
        Files.write(notImage, new byte[] {1, 2, 3, 4});
        assertThat(cli.run("encode", "--offline", notImage.toString(), "-o", dir.resolve("y.lic").toString())).isEqualTo(3);
    }

    @Test
    void unreachableServerIsExitCode11() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        assertThat(cli.run("ls", "--server", "localhost:" + freePort, "--timeout", "5")).isEqualTo(11);
    }

    @Test
    void adaptorsCommandsGiveTheDocumentedExitCodes() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        String server = "localhost:" + freePort;
        assertThat(cli.run("adaptors", "list", "--server", server, "--timeout", "5")).isEqualTo(11);
        assertThat(cli.run("adaptors", "activate", "human", "2", "--server", server, "--timeout", "5")).isEqualTo(11);
        assertThat(cli.run("adaptors", "register", dir.toString(), "--server", server)).isEqualTo(2); // no manifest.json
        assertThat(cli.run("adaptors")).isEqualTo(2);
        assertThat(cli.run("adaptors", "delete", "human", "not-a-number")).isEqualTo(2);
    }

    @Test
    void decodeTakesAnAdaptorVersion() throws Exception {
        Path lic = dir.resolve("v.lic");
        assertThat(cli.run("encode", "--offline", CliRun.kodak(4).toString(), "-o", lic.toString(), "--rate", "0")).isZero();
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", dir.resolve("v1.png").toString(),
                "--adaptor-version", "1")).isZero();
        assertThat(cli.output()).contains("via human v1");
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", dir.resolve("v9.png").toString(),
                "--adaptor-version", "9")).isEqualTo(8); // NOT_FOUND: no such version
        assertThat(dir.resolve("v9.png")).doesNotExist();
    }
}
