package dev.lic.cli;

import dev.lic.api.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lic encode} and {@code lic decode} on folders, offline: outputs, summary, JSON lines, failures, exit codes. */
class BatchCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path images;
    private final CliRun cli = new CliRun();

    @BeforeEach
    void smallImagesInAFolderWithASubFolder() throws IOException {
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        writePng(images.resolve("a.png"), 96, 64, 1);
        writePng(images.resolve("b.PNG"), 80, 48, 2);
        writePng(images.resolve("sub/c.png"), 64, 64, 3);
        Files.writeString(images.resolve("notes.txt"), "not an image, and not named like one: skipped");
    }

    @Test
    void aFolderEncodesAndDecodesIntoOutputFoldersKeepingSubFolders() throws Exception {
        Path lic = dir.resolve("lic");
        assertThat(cli.run("encode", "--offline", images.toString(), "-o", lic.toString())).isZero();
        assertThat(lic.resolve("a.lic")).isRegularFile();
        assertThat(lic.resolve("b.lic")).isRegularFile();
        assertThat(lic.resolve("sub/c.lic")).isRegularFile();
        assertThat(cli.output()).contains("encode: 3 of 3 files written to " + lic, "mean ", " bpp");

        Path png = dir.resolve("png");
        assertThat(cli.run("decode", "--offline", "--jobs", "2", lic.toString(), "-o", png.toString())).isZero();
        assertThat(cli.output()).contains("decode: 3 of 3 files written to " + png);
        BufferedImage c = ImageIO.read(png.resolve("sub/c.png").toFile());
        assertThat(c.getWidth()).isEqualTo(64);
        assertThat(ImageIO.read(png.resolve("b.png").toFile()).getWidth()).isEqualTo(80);
    }

    @Test
    void badFilesFailWithTheirReasonsAndTheOthersAreWritten() throws Exception {
        Path lic = dir.resolve("lic");
        Files.write(images.resolve("broken.png"), new byte[] {1, 2, 3});
        assertThat(cli.run("encode", "--offline", images.toString(), "-o", lic.toString())).as("all failures INVALID_IMAGE")
                .isEqualTo(3);
        assertThat(cli.output()).contains("3 of 4 files written", "1 failed", "broken.png: INVALID_IMAGE");
        assertThat(lic.resolve("a.lic")).isRegularFile();

        Files.write(lic.resolve("garbage.lic"), "not a bitstream at all".getBytes());
        byte[] good = Files.readAllBytes(lic.resolve("a.lic"));
        Files.write(lic.resolve("sub/truncated.lic"), Arrays.copyOf(good, good.length - 7));
        Path png = dir.resolve("png");
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", png.toString()))
                .as("different kinds of failure").isEqualTo(ExitCodes.SOME_FAILED);
        assertThat(cli.output()).contains("3 of 5 files written", "2 failed", "garbage.lic: INVALID_BITSTREAM",
                "truncated.lic: CORRUPT_BITSTREAM");
        assertThat(png.resolve("a.png")).isRegularFile();
        assertThat(png.resolve("sub/c.png")).isRegularFile();
        assertThat(png.resolve("garbage.png")).doesNotExist();
    }

    @Test
    void jsonGivesOneObjectPerFileThenTheSummary() throws Exception {
        Path lic = dir.resolve("lic");
        Path missing = dir.resolve("missing.png");
        assertThat(cli.run("encode", "--offline", "--json", images.toString(), missing.toString(), "-o", lic.toString()))
                .isEqualTo(ExitCodes.IO_ERROR);
        List<JsonNode> lines = jsonLines();
        assertThat(lines).hasSize(5);
        JsonNode summary = lines.get(4).get("summary");
        assertThat(summary.get("command").asText()).isEqualTo("encode");
        assertThat(summary.get("files").asInt()).isEqualTo(4);
        assertThat(summary.get("ok").asInt()).isEqualTo(3);
        assertThat(summary.get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("pixels").asLong()).isEqualTo(96 * 64 + 80 * 48 + 64 * 64);
        assertThat(summary.get("mean_bpp").asDouble()).isPositive();
        assertThat(summary.get("exit_code").asInt()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(summary.get("failures").get(0).get("error").asText()).isEqualTo("IO_ERROR");
        JsonNode a = lines.subList(0, 4).stream().filter(l -> l.get("input").asText().endsWith("a.png")).findFirst()
                .orElseThrow();
        assertThat(a.get("ok").asBoolean()).isTrue();
        assertThat(a.get("outputs").get(0).asText()).isEqualTo(lic.resolve("a.lic").toString());
        assertThat(a.get("width").asInt()).isEqualTo(96);
        assertThat(a.get("bytes").asLong()).isEqualTo(Files.size(lic.resolve("a.lic")));
        assertThat(a.get("rate").isInt()).isTrue();

        assertThat(cli.run("decode", "--offline", "--json", lic.resolve("a.lic").toString(), "-o",
                dir.resolve("one.png").toString())).as("one file with --json keeps -o as the file").isZero();
        lines = jsonLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("task").asText()).isEqualTo("image");
        assertThat(lines.get(0).get("bytes_out").asLong()).isEqualTo(Files.size(dir.resolve("one.png")));
        assertThat(lines.get(1).get("summary").get("files").asInt()).isEqualTo(1);
    }

    @Test
    void rawRgbIsExactlyThePixelsOfThePng() throws Exception {
        Path lic = dir.resolve("a.lic");
        assertThat(cli.run("encode", "--offline", images.resolve("a.png").toString(), "-o", lic.toString())).isZero();
        Path png = dir.resolve("a.png");
        Path raw = dir.resolve("a.rgb");
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", png.toString())).isZero();
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", raw.toString(), "--format", "raw")).isZero();
        assertThat(cli.output()).contains("96x64", "raw RGB");
        byte[] rgb = Files.readAllBytes(raw);
        assertThat(rgb).hasSize(96 * 64 * 3);
        BufferedImage image = ImageIO.read(png.toFile());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                int o = (y * 96 + x) * 3;
                int expected = (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | rgb[o + 2] & 0xFF;
                assertThat(image.getRGB(x, y) & 0xFFFFFF).isEqualTo(expected);
            }
        }
        Path folder = dir.resolve("raw");
        assertThat(cli.run("decode", "--offline", "--format", "raw", lic.toString(), lic.toString(), "-o",
                folder.toString())).as("the same file twice: one output, one collision").isEqualTo(2);
        assertThat(Files.readAllBytes(folder.resolve("a.rgb"))).isEqualTo(rgb);
        assertThat(cli.output()).contains("would overwrite");
    }

    @Test
    void decodeToStdoutWritesTheBytesThere() throws Exception {
        Path lic = dir.resolve("a.lic");
        assertThat(cli.run("encode", "--offline", images.resolve("a.png").toString(), "-o", lic.toString())).isZero();
        assertThat(cli.run("decode", "--offline", lic.toString(), "-o", "-")).isZero();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(cli.outputBytes()));
        assertThat(image.getWidth()).isEqualTo(96);
    }

    @Test
    void aFolderWithoutImagesOrABadJobCountIsExitCode2() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(cli.run("encode", "--offline", empty.toString(), "-o", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(cli.run("encode", "--offline", "--jobs", "-1", images.toString(), "-o", dir.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void theBatchExitCodeIsTheSharedOneOrSomeFailed() {
        Outcome ok = new Outcome(Path.of("a"), null, 1, 1, 1, 1, null);
        Outcome corrupt = BatchRun.failed(Path.of("b"), new Outcome.Failure("CORRUPT_BITSTREAM", 6, "x"));
        Outcome io = BatchRun.failed(Path.of("c"), Outcome.Failure.io("gone"));
        assertThat(BatchRun.exitCode(List.of(ok, ok))).isZero();
        assertThat(BatchRun.exitCode(List.of(ok, corrupt, corrupt))).isEqualTo(6);
        assertThat(BatchRun.exitCode(List.of(corrupt, ok, io))).isEqualTo(ExitCodes.SOME_FAILED);
    }

    private List<JsonNode> jsonLines() throws IOException {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : cli.output().lines().toList()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static void writePng(Path file, int w, int h, int seed) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 3 * seed & 0xFF) << 16 | (y * 4 & 0xFF) << 8 | (x + y) * seed & 0xFF);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
