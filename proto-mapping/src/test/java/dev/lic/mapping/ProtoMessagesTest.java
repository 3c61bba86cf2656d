package dev.lic.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.DecodeTimings;
import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.image.RgbImage;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.RateInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Each typed result in its response field, and the bundled packs' descriptions. */
class ProtoMessagesTest {
    private static final DecodeTimings NO_TIMINGS = new DecodeTimings(0, 0, 0, 0, 0, 0);

    @Test
    void anImageIsAPngOrWithRawItsOwnBytes() throws IOException {
        byte[] rgb = new byte[4 * 2 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 10);
        }
        DecodeResult result = new DecodeResult(new RgbImage(4, 2, rgb), "human", 2, "c0", NO_TIMINGS);
        DecodeResponse raw = ProtoMessages.fillOutput(DecodeResponse.newBuilder(), result, true).build();
        assertThat(raw.getTask()).isEqualTo("image");
        assertThat(raw.getRgb().toByteArray()).isEqualTo(rgb);
        assertThat(raw.hasPng()).isFalse();
        DecodeResponse png = ProtoMessages.fillOutput(DecodeResponse.newBuilder(), result, false).build();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.getPng().toByteArray()));
        assertThat(image.getWidth()).isEqualTo(4);
        assertThat(image.getRGB(3, 1) & 0xFFFFFF).isEqualTo((210 & 0xFF) << 16 | (220 & 0xFF) << 8 | (230 & 0xFF));
    }

    @Test
    void detectionsAndClassMapsKeepEveryField() {
        DetectionOutput boxes = new DetectionOutput(List.of(new Detection(1, "car", 0.75, 1.5, 2, 30, 40.25)), 64, 48,
                List.of("person", "car"));
        DecodeResponse d = ProtoMessages.fillOutput(DecodeResponse.newBuilder(),
                new DecodeResult(boxes, 64, 48, "detection", 1, "c0", NO_TIMINGS), false).build();
        assertThat(d.getTask()).isEqualTo("detection");
        assertThat(d.getDetections().getLabelsList()).containsExactly("person", "car");
        dev.lic.proto.v1.Detection box = d.getDetections().getDetections(0);
        assertThat(List.of(box.getClassIndex(), box.getLabel(), box.getScore(), box.getX0(), box.getY0(), box.getX1(),
                box.getY1())).containsExactly(1, "car", 0.75f, 1.5f, 2f, 30f, 40.25f);

        SegmentationOutput map = new SegmentationOutput(new byte[] {0, 1, 1, 0, 1, 1}, 1, 3, 2,
                new double[] {1 / 3.0, 2 / 3.0}, List.of("road", "sky"));
        DecodeResponse s = ProtoMessages.fillOutput(DecodeResponse.newBuilder(),
                new DecodeResult(map, 3, 2, "segmentation", 1, "c0", NO_TIMINGS), false).build();
        assertThat(s.getTask()).isEqualTo("segmentation");
        assertThat(s.getSegmentation().getClasses().toByteArray()).containsExactly(0, 1, 1, 0, 1, 1);
        assertThat(s.getSegmentation().getFractionsList()).containsExactly(1 / 3.0, 2 / 3.0);
        assertThat(s.getSegmentation().getLabelsList()).containsExactly("road", "sky");
        assertThat(List.of(s.getSegmentation().getWidth(), s.getSegmentation().getHeight(),
                s.getSegmentation().getBytesPerPixel())).containsExactly(3, 2, 1);
    }

    @Test
    void aCodecPackListsItsRatesWithZeroWhereItGivesNoNumber() {
        CodecInfo vr = ProtoMessages.codecInfo(CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK)));
        assertThat(vr.getName()).isEqualTo("hyperprior-vr");
        assertThat(vr.getRateIndexesList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(vr.getDefaultRateIndex()).isEqualTo(4);
        assertThat(vr.getRatesList()).allSatisfy(r -> assertThat(r.getKodakBpp()).isPositive());
        CodecInfo legacy = ProtoMessages.codecInfo(CodecPack.load(PackSource.classpath(
                CodecOptions.LEGACY_CODEC_PACK_V1)));
        assertThat(legacy.getRatesList()).extracting(RateInfo::getKodakBpp).containsOnly(0.0); // a v1 manifest has none
    }
}
