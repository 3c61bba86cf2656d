package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.DecodeResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The raw pixels of a PNG answer (servers older than DecodeRequest.image_format answer PNG only). */
class RawPixelsTest {
    @Test
    void aPngAnswerBecomesItsInterleavedRgbRows() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0x102030, 0xff0000, 0x00ff00, 0x0000ff, 0xfefdfc, 0x000001};
        for (int i = 0; i < 6; i++) {
            image.setRGB(i % 3, i / 3, colours[i]);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        DecodeResponse r = DecodeResponse.newBuilder().setPng(ByteString.copyFrom(png.toByteArray())).setWidth(3)
                .setHeight(2).setTask("image").build();
        Backend.Decoded d = RawPixels.fromPng(r);
        assertThat(d.rgb()).containsExactly(0x10, 0x20, 0x30, 0xff, 0, 0, 0, 0xff, 0, 0, 0, 0xff, 0xfe, 0xfd, 0xfc,
                0, 0, 1);
        assertThat(d.response().getOutputCase()).isEqualTo(DecodeResponse.OutputCase.OUTPUT_NOT_SET);
        assertThat(d.width()).isEqualTo(3);
    }
}
