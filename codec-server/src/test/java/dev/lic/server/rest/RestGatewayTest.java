package dev.lic.server.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.lic.server.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The REST gateway through the real server: encode, decode, store, listings, errors. */
@QuarkusTest
class RestGatewayTest {
    static final String TOKEN = "test-admin-token";

    static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | ((x + y) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static byte[] encode(byte[] image, String rate) {
        var request = given().contentType("image/png").body(image);
        if (rate != null) {
            request = request.queryParam("rate", rate);
        }
        return request.post("/v1/encode").then().statusCode(200).contentType("application/x-lic")
                .extract().asByteArray();
    }

    @Test
    void kodakEncodeThenDecodeGivesPngOfTheSameSize() throws Exception {
        Response enc = given().contentType("image/png").body(TestImages.kodak(23)).post("/v1/encode");
        enc.then().statusCode(200).contentType("application/x-lic")
                .header("X-Lic-Width", "768").header("X-Lic-Height", "512")
                .header("X-Lic-Codec-Id", notNullValue()).header("X-Lic-Rate", notNullValue());
        byte[] bitstream = enc.asByteArray();
        assertThat(enc.header("X-Lic-Size")).isEqualTo(String.valueOf(bitstream.length));
        assertThat(Double.parseDouble(enc.header("X-Lic-Bpp"))).isBetween(0.01, 4.0);

        Response dec = given().contentType("application/x-lic").body(bitstream).post("/v1/decode");
        dec.then().statusCode(200).contentType("image/png").header("X-Lic-Adaptor", "human");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(dec.asByteArray()));
        assertThat(image.getWidth()).isEqualTo(768);
        assertThat(image.getHeight()).isEqualTo(512);
    }

    @Test
    void rateParameterAndDefaultRate() throws Exception {
        String defaultRate = given().get("/v1/codecs").then().statusCode(200).extract().path("codecs.find { it.codecId == '"
                + given().get("/v1/codecs").then().extract().path("defaultCodecId") + "' }.defaultRate").toString();
        byte[] image = png(96, 64);
        given().contentType("image/png").body(image).post("/v1/encode").then().statusCode(200)
                .header("X-Lic-Rate", defaultRate);
        given().contentType("image/png").body(image).queryParam("rate", "0").post("/v1/encode").then()
                .statusCode(200).header("X-Lic-Rate", "0");
        given().contentType("image/png").body(image).queryParam("rate", "999").post("/v1/encode").then()
                .statusCode(400).body("error", equalTo("INVALID_ARGUMENT"));
        given().contentType("image/png").body(image).queryParam("rate", "abc").post("/v1/encode").then()
                .statusCode(400).body("error", equalTo("INVALID_ARGUMENT"));
    }

    @Test
    void codecParameterChoosesTheEncoder() throws Exception {
        String legacyId = given().get("/v1/codecs").then().statusCode(200).extract()
                .path("codecs.find { it.name == 'hyperprior-s' }.codecId");
        byte[] image = png(96, 64);
        given().contentType("image/png").body(image).queryParam("codec", "hyperprior-s").post("/v1/encode").then()
                .statusCode(200).header("X-Lic-Codec-Id", legacyId).header("X-Lic-Rate", "0");
        given().contentType("image/png").body(image).queryParam("codec", "nope").post("/v1/encode").then()
                .statusCode(409).body("error", equalTo("UNKNOWN_CODEC"));
    }

    @Test
    void storeGetAndDeleteWithAndWithoutToken() throws Exception {
        byte[] bitstream = encode(png(64, 48), null);
        String id = given().contentType("application/x-lic").body(bitstream).post("/v1/bitstreams").then()
                .statusCode(201).body("id", notNullValue()).extract().path("id");
        byte[] back = given().get("/v1/bitstreams/" + id).then().statusCode(200).extract().asByteArray();
        assertThat(back).isEqualTo(bitstream);

        given().delete("/v1/bitstreams/" + id).then().statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        given().header("Authorization", "Bearer wrong").delete("/v1/bitstreams/" + id).then().statusCode(403)
                .body("error", equalTo("PERMISSION_DENIED"));
        given().get("/v1/bitstreams/" + id).then().statusCode(200);
        given().header("Authorization", "Bearer " + TOKEN).delete("/v1/bitstreams/" + id).then().statusCode(204);
        given().get("/v1/bitstreams/" + id).then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        given().contentType("application/x-lic").body("not a bitstream".getBytes()).post("/v1/bitstreams").then()
                .statusCode(400).body("error", equalTo("INVALID_BITSTREAM"));
    }

    @Test
    void badInputGetsFourHundredsWithJsonReasons() throws Exception {
        byte[] bitstream = encode(png(64, 48), null);
        given().contentType("application/x-lic").body(bitstream).queryParam("adaptor", "no-such-adaptor")
                .post("/v1/decode").then().statusCode(404).contentType("application/json")
                .body("error", equalTo("UNKNOWN_ADAPTOR"), "message", notNullValue());

        byte[] corrupt = bitstream.clone();
        corrupt[corrupt.length - 8] ^= 0x10;
        given().contentType("application/x-lic").body(corrupt).post("/v1/decode").then().statusCode(422)
                .contentType("application/json").body("error", equalTo("CORRUPT_BITSTREAM"));

        given().contentType("text/plain").body("hello, not an image").post("/v1/encode").then().statusCode(400)
                .contentType("application/json").body("error", equalTo("INVALID_IMAGE"));

        given().contentType("image/png").body(new byte[32 * 1024 * 1024 + 1]).post("/v1/encode").then()
                .statusCode(413).contentType("application/json").body("error", equalTo("TOO_LARGE"));

        given().get("/v1/encode").then().statusCode(405).contentType("application/json")
                .body("error", equalTo("METHOD_NOT_ALLOWED"));
    }

    @Test
    void listings() {
        given().get("/v1/codecs").then().statusCode(200).contentType("application/json")
                .body("defaultCodecId", notNullValue(), "codecs[0].rates[0].index", notNullValue());
        given().get("/v1/adaptors").then().statusCode(200).contentType("application/json")
                .body("adaptors.name", hasItem("human"));
    }
}
