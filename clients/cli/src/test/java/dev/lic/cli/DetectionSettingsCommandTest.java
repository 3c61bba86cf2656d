package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lic decode --offline --adaptor detection} with {@code --score-threshold} and {@code --nms-iou}
 * (issue 9) on a Kodak bitstream with the shipped detection adaptor, one file and a folder; bad values are
 * the usage exit code 2.
 */
class DetectionSettingsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path lic;
    private String lastErr = "";

    @BeforeAll
    static void encodeKodim05() throws IOException {
        lic = Files.createDirectories(dir.resolve("in")).resolve("kodim05.lic");
        Path kodak = Path.of(System.getProperty("shared.data.dir", "../../../shared/data"), "kodak", "kodim05.png");
        assertThat(Main.run("encode", "--offline", kodak.toString(), "-o", lic.toString())).isZero();
    }

    private int run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        System.setErr(new PrintStream(captured));
        try {
            return Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
            lastErr = captured.toString();
        }
    }

    private List<JsonNode> detections(Path json) throws IOException {
        JsonNode root = JSON.readTree(json.toFile());
        assertThat(root.path("adaptor").asText()).isEqualTo("detection");
        assertThat(root.path("width").asInt()).isEqualTo(768);
        List<JsonNode> list = new ArrayList<>();
        root.path("detections").forEach(list::add);
        return list;
    }

    @Test
    void aLowerThresholdGivesASupersetAndNmsIouChangesTheSuppression() throws Exception {
        Path def = dir.resolve("default.json");
        Path at25 = dir.resolve("at25.json");
        Path low = dir.resolve("low.json");
        Path loose = dir.resolve("loose.json");
        assertThat(run("decode", "--offline", "--adaptor", "detection", lic.toString(), "-o", def.toString())).isZero();
        assertThat(run("decode", "--offline", "--adaptor", "detection", "--score-threshold", "0.25", lic.toString(),
                "-o", at25.toString())).isZero();
        assertThat(run("decode", "--offline", "--adaptor", "detection", "--score-threshold", "0.05", lic.toString(),
                "-o", low.toString())).isZero();
        assertThat(run("decode", "--offline", "--adaptor", "detection", "--score-threshold", "0.05", "--nms-iou", "1",
                lic.toString(), "-o", loose.toString())).isZero();
        List<JsonNode> pack = detections(def);
        assertThat(pack).isNotEmpty().allSatisfy(d -> assertThat(d.path("score").asDouble()).isGreaterThanOrEqualTo(0.25));
        assertThat(detections(at25)).as("default 0.25").isEqualTo(pack);
        List<JsonNode> lower = detections(low);
        assertThat(lower).containsAll(pack).hasSizeGreaterThan(pack.size())
                .anySatisfy(d -> assertThat(d.path("score").asDouble()).isLessThan(0.25));
        assertThat(detections(loose)).hasSizeGreaterThan(lower.size());

        // A folder: every bitstream in it gets the same settings.
        Path out = dir.resolve("folder-out");
        assertThat(run("decode", "--offline", "--adaptor", "detection", "--score-threshold", "0.05",
                lic.getParent().toString(), "-o", out.toString())).isZero();
        assertThat(detections(out.resolve("kodim05.json"))).isEqualTo(lower);
    }

    @Test
    void badValuesOrAnotherTaskAreTheUsageExitCode() {
        String[][] bad = {{"--score-threshold", "1.5"}, {"--score-threshold", "NaN"}, {"--nms-iou", "-0.1"}};
        for (String[] b : bad) {
            assertThat(run("decode", "--offline", "--adaptor", "detection", b[0], b[1], lic.toString(), "-o",
                    dir.resolve("x.json").toString())).isEqualTo(2);
            assertThat(lastErr).contains("INVALID_ARGUMENT", b[0] + " must be a number in [0, 1]");
        }
        assertThat(run("decode", "--offline", "--adaptor", "detection", "--nms-iou", "abc", lic.toString(), "-o",
                dir.resolve("x.json").toString())).isEqualTo(2);
        assertThat(run("decode", "--offline", "--score-threshold", "0.1", lic.toString(), "-o",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertThat(lastErr).contains("apply to detection adaptors only; adaptor human has task image");
        assertThat(dir.resolve("x.json")).doesNotExist();
        assertThat(dir.resolve("x.png")).doesNotExist();
    }
}
