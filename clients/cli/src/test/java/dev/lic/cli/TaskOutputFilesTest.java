package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detection;
import dev.lic.proto.v1.Detections;
import dev.lic.proto.v1.SegmentationMap;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files {@code lic decode} writes for detection and segmentation responses (docs/adaptor-pack.md). */
class TaskOutputFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static DecodeResponse.Builder base(String task) {
        return DecodeResponse.newBuilder().setTask(task).setWidth(3).setHeight(2).setCodecId("ab").setAdaptor(task)
                .setAdaptorVersion(4);
    }

    @Test
    void detectionWritesTheDocumentedJson() throws Exception {
        DecodeResponse r = base("detection").setDetections(Detections.newBuilder().addLabels("person")
                .addDetections(Detection.newBuilder().setClassIndex(0).setLabel("person").setScore(0.5f)
                        .setX0(1).setY0(0).setX1(2.5f).setY1(2))).build();
        Path out = dir.resolve("d.json");
        assertThat(TaskOutputFiles.write(r, out)).containsExactly(out);
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.path("width").asInt()).isEqualTo(3);
        assertThat(json.path("adaptor").asText()).isEqualTo("detection");
        assertThat(json.path("version").asInt()).isEqualTo(4);
        JsonNode d = json.path("detections").get(0);
        assertThat(d.path("class").asInt()).isZero();
        assertThat(d.path("label").asText()).isEqualTo("person");
        assertThat(d.path("score").asDouble()).isEqualTo(0.5);
        assertThat(d.path("box").toString()).isEqualTo("[1.0,0.0,2.5,2.0]");
    }

    @Test
    void segmentationWritesAClassIndexPngAndTheJsonBesideIt() throws Exception {
        DecodeResponse r = base("segmentation").setSegmentation(SegmentationMap.newBuilder().setWidth(3).setHeight(2)
                .setBytesPerPixel(1).setClasses(ByteString.copyFrom(new byte[] {0, 1, 1, 2, 2, 2}))
                .addAllLabels(List.of("a", "b", "c")).addFractions(1 / 6.0).addFractions(2 / 6.0)
                .addFractions(3 / 6.0)).build();
        Path png = dir.resolve("s.png");
        assertThat(TaskOutputFiles.write(r, png)).containsExactly(png, dir.resolve("s.json"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getRaster().getSample(1, 0, 0)).isEqualTo(1);
        assertThat(image.getRaster().getSample(2, 1, 0)).isEqualTo(2);
        JsonNode json = JSON.readTree(dir.resolve("s.json").toFile());
        assertThat(json.path("class_map_png").asText()).isEqualTo("s.png");
        assertThat(json.path("classes").get(2).path("label").asText()).isEqualTo("c");
        assertThat(json.path("classes").get(2).path("fraction").asDouble()).isEqualTo(0.5);

        Path only = dir.resolve("m.json");
        assertThat(TaskOutputFiles.write(r, only)).containsExactly(only);
        assertThat(JSON.readTree(only.toFile()).path("class_map").asText()).isEqualTo("AAEBAgIC");
    }
}
