package dev.lic.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.client.LicClient;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.store.s3.S3TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers, launched from the packaged jar as separate processes on loopback, share one bucket of a
 * real S3 server (S3Proxy in this JVM): what one stores, the other decodes at once; an adaptor version
 * registered and activated through one serves on the other within the poll interval plus its load time
 * (docs/deployment.md). Neither server holds anything the other needs.
 */
class TwoReplicasTest {
    static final String TOKEN = "replica-admin-token";
    /** lic.registry.poll-interval of both servers. */
    static final Duration POLL = Duration.ofSeconds(1);
    /** The documented bound for a new adaptor version to reach a replica: poll interval plus loading it. */
    static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path work;
    static S3TestServer s3;
    static ServerProcess a;
    static ServerProcess b;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3TestServer("lic-replicas");
        Map<String, String> settings = s3Settings(s3, "run-" + UUID.randomUUID() + "/", S3TestServer.SECRET_KEY);
        a = ServerProcess.start("a", work.resolve("a"), settings);
        b = ServerProcess.start("b", work.resolve("b"), settings);
        a.awaitReady();
        b.awaitReady();
    }

    static Map<String, String> s3Settings(S3TestServer s3, String prefix, String secret) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("lic.store.kind", "s3");
        settings.put("lic.store.s3.endpoint", s3.endpoint().toString());
        settings.put("lic.store.s3.region", S3TestServer.REGION);
        settings.put("lic.store.s3.bucket", s3.bucket());
        settings.put("lic.store.s3.path-style", "true");
        settings.put("lic.store.s3.prefix", prefix);
        settings.put("lic.store.s3.max-attempts", "2");
        // Credentials through the standard AWS provider chain (its system-property step).
        settings.put("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        settings.put("aws.secretAccessKey", secret);
        settings.put("lic.admin.token", TOKEN);
        settings.put("lic.registry.poll-interval", POLL.toMillis() + "ms");
        return settings;
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable s = s3; AutoCloseable x = a; AutoCloseable y = b) {
            // closes all three
        }
    }

    private static LicClient client(ServerProcess server) {
        return LicClient.connect(server.target(), Duration.ofSeconds(60), Optional.of(TOKEN));
    }

    private static byte[] png(int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 3 % 256) << 16 | (y * 5 % 256) << 8 | ((x + y) % 256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void aBitstreamStoredThroughOneDecodesThroughTheOtherAtOnce() throws Exception {
        try (LicClient ca = client(a); LicClient cb = client(b)) {
            EncodeResponse encoded = ca.encode(png(96, 64), true);
            String id = encoded.getStoredId();
            assertThat(id).hasSize(64);
            assertThat(cb.get(id)).isEqualTo(encoded.getBitstream().toByteArray());
            DecodeResponse decoded = cb.decodeStored(id, "human");
            assertThat(decoded.getWidth()).isEqualTo(96);
            assertThat(decoded.getHeight()).isEqualTo(64);
            assertThat(decoded.getPng().size()).isPositive();
            assertThat(cb.list(100, "").getItemsList()).anySatisfy(e -> assertThat(e.getId()).isEqualTo(id));
            // And the other way round: b stores, a had nothing of it in memory.
            String fromB = cb.put(encoded.getBitstream().toByteArray()).getId();
            assertThat(fromB).isEqualTo(id);
            assertThat(ca.decodeStored(id, "human").getWidth()).isEqualTo(96);
        }
    }

    @Test
    void anAdaptorActivatedThroughOneServesOnTheOtherWithinTheBound() throws Exception {
        try (LicClient ca = client(a); LicClient cb = client(b)) {
            byte[] bitstream = ca.encode(png(64, 48), false).getBitstream().toByteArray();
            int shipped = cb.decode(bitstream, "human").getAdaptorVersion(); // 2: the int8 human (1 is float)
            assertThat(shipped).isEqualTo(2);

            Map<String, byte[]> pack = humanPackVersion(3);
            String codecId = new String(pack.get("manifest.json"), StandardCharsets.UTF_8)
                    .replaceAll("(?s).*\"codec_id\": \"([0-9a-f]{64})\".*", "$1");
            var registered = ca.registerAdaptor(pack, RegisterHeader.newBuilder().setCodecId(codecId)
                    .setName("human").setVersion(3).setActivate(true).build());
            assertThat(registered.getActiveVersion()).isEqualTo(3);
            assertThat(ca.decode(bitstream, "human").getAdaptorVersion()).isEqualTo(3);

            long started = System.nanoTime();
            long deadline = started + PROPAGATION_LIMIT.toNanos();
            int served = cb.decode(bitstream, "human").getAdaptorVersion();
            while (served != 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                served = cb.decode(bitstream, "human").getAdaptorVersion();
            }
            assertThat(served).as("b serves version 3 within %s", PROPAGATION_LIMIT).isEqualTo(3);
            System.out.printf("adaptor version 3 reached the second replica after %d ms (poll interval %d ms)%n",
                    (System.nanoTime() - started) / 1_000_000, POLL.toMillis());

            // A rollback through b reaches a the same way.
            assertThat(cb.rollbackAdaptor(codecId, "human").getActiveVersion()).isEqualTo(shipped);
            deadline = System.nanoTime() + PROPAGATION_LIMIT.toNanos();
            while (ca.decode(bitstream, "human").getAdaptorVersion() != shipped && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(ca.decode(bitstream, "human").getAdaptorVersion()).isEqualTo(shipped);
        }
    }

    /** The shipped human pack of the default codec with its manifest's version set to {@code version}. */
    static Map<String, byte[]> humanPackVersion(int version) throws IOException {
        String dir = "lic/packs/adaptors/human-hyperprior-vr/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        // Every file of the shipped pack (its manifest lists them; the self-test's two files included).
        for (String name : new String[] {"manifest.json", "synthesis.onnx", "selftest_input.bin",
            "selftest_expected.json"}) {
            try (InputStream in = TwoReplicasTest.class.getClassLoader().getResourceAsStream(dir + name)) {
                files.put(name, in.readAllBytes());
            }
        }
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        files.put("manifest.json", manifest.replace("\"version\": 1", "\"version\": " + version)
                .getBytes(StandardCharsets.UTF_8));
        return files;
    }
}
