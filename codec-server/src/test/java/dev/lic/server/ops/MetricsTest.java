package dev.lic.server.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.client.LicClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import dev.lic.server.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /q/metrics of the real server moves with real requests: a Kodak encode and decode over REST and a decode
 * over gRPC count once each, with their exact body sizes; a decode through an unknown adaptor counts as
 * "unknown"; a new stored object adds to the store gauges; each active adaptor version has a gauge row.
 * (QuarkusTest classes run one after another, so nothing else moves these counters meanwhile.)
 */
@QuarkusTest
class MetricsTest {
    private static final String TOKEN = "test-admin-token";

    private ManagedChannel channel;
    private LicClient client;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(120), Optional.of(TOKEN));
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void restAndGrpcRequestsMoveTheCountersByExactlyWhatTheyCarried() throws Exception {
        PrometheusText before = scrape();
        byte[] image = TestImages.kodak(23);
        Response enc = given().contentType("image/png").body(image).post("/v1/encode");
        enc.then().statusCode(200);
        byte[] bitstream = enc.asByteArray();
        String codec = enc.header("X-Lic-Codec-Id");
        String rate = enc.header("X-Lic-Rate");
        byte[] png = given().contentType("application/x-lic").body(bitstream).post("/v1/decode").then().statusCode(200)
                .extract().asByteArray();
        int grpcOut = client.decode(bitstream, "human").getSerializedSize();
        given().contentType("application/x-lic").body(bitstream).queryParam("adaptor", "no-such-adaptor-" + rate)
                .post("/v1/decode").then().statusCode(404);
        PrometheusText after = scrape();

        Map<String, String> restEncode = Map.of("transport", "rest", "rpc", "POST /v1/encode");
        assertThat(delta(before, after, "lic_requests_seconds_count", with(restEncode, "status", "200"))).isEqualTo(1);
        assertThat(delta(before, after, "lic_received_bytes_total", restEncode)).isEqualTo(image.length);
        assertThat(delta(before, after, "lic_sent_bytes_total", restEncode)).isEqualTo(bitstream.length);
        Map<String, String> restDecode = Map.of("transport", "rest", "rpc", "POST /v1/decode");
        assertThat(delta(before, after, "lic_requests_seconds_count", with(restDecode, "status", "200"))).isEqualTo(1);
        assertThat(delta(before, after, "lic_requests_seconds_count", with(restDecode, "status", "404"))).isEqualTo(1);
        assertThat(delta(before, after, "lic_sent_bytes_total", restDecode)).isGreaterThanOrEqualTo(png.length);
        Map<String, String> grpcDecode = Map.of("transport", "grpc", "rpc", "lic.v1.Codec/Decode");
        assertThat(delta(before, after, "lic_requests_seconds_count", with(grpcDecode, "status", "OK"))).isEqualTo(1);
        assertThat(delta(before, after, "lic_sent_bytes_total", grpcDecode)).isEqualTo(grpcOut);
        // the latency histogram has buckets; a Kodak encode takes longer than 5 ms
        assertThat(after.matching("lic_requests_seconds_bucket", with(restEncode, "status", "200"))).hasSizeGreaterThan(5);
        assertThat(after.sum("lic_requests_seconds_bucket", Map.of("transport", "rest", "rpc", "POST /v1/encode",
                "status", "200", "le", "0.005"))).isLessThan(after.sum("lic_requests_seconds_count", with(restEncode,
                "status", "200")));

        // per adaptor and per codec/rate, whatever the transport
        assertThat(delta(before, after, "lic_decode_seconds_count", Map.of("codec", codec, "adaptor", "human",
                "version", "2", "task", "image", "status", "OK"))).isEqualTo(2); // 2: the active (int8) human
        assertThat(delta(before, after, "lic_decode_seconds_count", Map.of("codec", codec, "adaptor", "unknown",
                "status", "UNKNOWN_ADAPTOR"))).isEqualTo(1);
        assertThat(delta(before, after, "lic_encode_seconds_count", Map.of("codec", codec, "rate", rate, "status",
                "OK"))).isEqualTo(1);
        assertThat(after.matching("lic_images_in_flight", Map.of("op", "decode"))).singleElement()
                .extracting(PrometheusText.Sample::value).isEqualTo(0.0);
    }

    @Test
    void storeGaugesCountANewObject() throws Exception {
        byte[] bitstream = given().contentType("image/png").body(noise(64, 48, System.nanoTime()))
                .post("/v1/encode").then().statusCode(200).extract().asByteArray();
        PrometheusText before = scrape();
        given().contentType("application/x-lic").body(bitstream).post("/v1/bitstreams").then().statusCode(201);
        PrometheusText after = scrape();
        assertThat(delta(before, after, "lic_store_objects", Map.of())).isEqualTo(1);
        assertThat(delta(before, after, "lic_store_size_bytes", Map.of())).isEqualTo(bitstream.length);
    }

    @Test
    void eachActiveAdaptorVersionHasAGaugeRow() {
        PrometheusText metrics = scrape();
        // human: version 2 (int8) for the default codec, version 1 for the single-rate codec shipped before
        for (String version : List.of("1", "2")) {
            assertThat(metrics.matching("lic_adaptor_active", Map.of("name", "human", "version", version, "task",
                    "image"))).singleElement().extracting(PrometheusText.Sample::value).isEqualTo(1.0);
        }
        for (String task : List.of("detection", "segmentation")) {      // the shipped task adaptors, version 4
            assertThat(metrics.matching("lic_adaptor_active", Map.of("name", task, "version", "4", "task", task)))
                    .singleElement().extracting(PrometheusText.Sample::value).isEqualTo(1.0);
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        var copy = new java.util.HashMap<>(labels);
        copy.put(key, value);
        return copy;
    }

    /** Random pixels, so that the stored bitstream is new in the shared test store. */
    private static byte[] noise(int width, int height, long seed) throws Exception {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
