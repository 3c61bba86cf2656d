package dev.lic.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.store.s3.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server configured for S3 that cannot use the bucket refuses to start, and says why. */
class MisconfiguredStoreTest {
    @TempDir
    static Path work;
    static S3TestServer s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3TestServer("lic-misconfigured");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private static String refusedStart(String name, Map<String, String> settings) throws Exception {
        try (ServerProcess server = ServerProcess.start(name, work.resolve(name), settings)) {
            assertThat(server.awaitExit(Duration.ofMinutes(2))).isNotZero();
            return server.logText();
        }
    }

    @Test
    void wrongCredentialsStopTheServerAtStart() throws Exception {
        String log = refusedStart("wrong-credentials", TwoReplicasTest.s3Settings(s3, "", "not-the-secret"));
        assertThat(log).contains("credentials were refused").contains("lic-misconfigured");
    }

    @Test
    void aMissingBucketStopsTheServerAtStart() throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>(
                TwoReplicasTest.s3Settings(s3, "", S3TestServer.SECRET_KEY));
        settings.put("lic.store.s3.bucket", "no-such-bucket");
        String log = refusedStart("missing-bucket", settings);
        assertThat(log).contains("bucket no-such-bucket does not exist");
    }
}
