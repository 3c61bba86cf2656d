package dev.lic.server.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.lic.server.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/decode}'s per-request settings through the real server: raw RGB ({@code format=raw} or
 * {@code Accept: application/octet-stream}) equal to the PNG decode's pixels, and the detection adaptor's
 * {@code score_threshold} and {@code nms_iou}, with 400 JSON errors for bad values.
 */
@QuarkusTest
class RestDecodeSettingsTest {
    @Test
    void rawRgbIsExactlyThePixelsOfThePng() throws Exception {
        byte[] bitstream = RestGatewayTest.encode(RestGatewayTest.png(130, 70), null);
        byte[] png = given().contentType("application/x-lic").body(bitstream).post("/v1/decode").then()
                .statusCode(200).contentType("image/png").extract().asByteArray();
        Response raw = given().contentType("application/x-lic").body(bitstream).queryParam("format", "raw")
                .post("/v1/decode");
        raw.then().statusCode(200).contentType("application/octet-stream").header("X-Lic-Width", "130")
                .header("X-Lic-Height", "70").header("X-Lic-Task", "image");
        assertThat(raw.asByteArray()).hasSize(130 * 70 * 3).isEqualTo(TestImages.pixels(png));

        byte[] byAccept = given().contentType("application/x-lic").accept("application/octet-stream").body(bitstream)
                .post("/v1/decode").then().statusCode(200).contentType("application/octet-stream").extract()
                .asByteArray();
        assertThat(byAccept).isEqualTo(raw.asByteArray());
        given().contentType("application/x-lic").body(bitstream).queryParam("format", "png").post("/v1/decode")
                .then().statusCode(200).contentType("image/png");
        given().contentType("application/x-lic").body(bitstream).queryParam("format", "tiff").post("/v1/decode")
                .then().statusCode(400).contentType("application/json").body("error", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("format must be png or raw"));
    }

    @Test
    void detectionScoreThresholdAndNmsIouApplyToThisRequest() throws Exception {
        List<Map<String, Object>> pack = detections(given());
        List<Map<String, Object>> low = detections(given().queryParam("score_threshold", "0.05"));
        List<Map<String, Object>> none = detections(given().queryParam("score_threshold", "0.05")
                .queryParam("nms_iou", "1"));
        assertThat(pack).isNotEmpty();
        assertThat(low).containsAll(pack).hasSizeGreaterThan(pack.size());
        assertThat(none).hasSizeGreaterThan(low.size());
        for (var d : low) {
            assertThat(((Number) d.get("score")).doubleValue()).isGreaterThanOrEqualTo(0.05);
        }
    }

    private static List<Map<String, Object>> detections(io.restassured.specification.RequestSpecification spec)
            throws Exception {
        byte[] bitstream = kodak5();
        return spec.contentType("application/x-lic").body(bitstream).queryParam("adaptor", "detection")
                .post("/v1/decode").then().statusCode(200).contentType("application/json")
                .body("task", equalTo("detection")).extract().path("detections.detections");
    }

    private static byte[] kodak5Bitstream;

    private static synchronized byte[] kodak5() throws Exception {
        if (kodak5Bitstream == null) {
            kodak5Bitstream = RestGatewayTest.encode(TestImages.kodak(5), null);
        }
        return kodak5Bitstream;
    }

    @Test
    void badSettingsAre400WithTheJsonReason() throws Exception {
        byte[] bitstream = RestGatewayTest.encode(RestGatewayTest.png(64, 48), null);
        for (String[] bad : new String[][] {{"score_threshold", "1.5"}, {"score_threshold", "NaN"},
                {"score_threshold", "abc"}, {"nms_iou", "-0.2"}}) {
            given().contentType("application/x-lic").body(bitstream).queryParam("adaptor", "detection")
                    .queryParam(bad[0], bad[1]).post("/v1/decode").then().statusCode(400)
                    .contentType("application/json").body("error", equalTo("INVALID_ARGUMENT"))
                    .body("message", containsString(bad[0] + " must be a number in [0, 1]"));
        }
        given().contentType("application/x-lic").body(bitstream).queryParam("score_threshold", "0.1")
                .post("/v1/decode").then().statusCode(400).body("error", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("apply to detection adaptors only; adaptor human has task image"));
    }

}
