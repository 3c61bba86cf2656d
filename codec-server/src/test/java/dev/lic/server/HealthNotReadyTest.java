package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.core.CodecOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server started with no human adaptor for its default codec (only the legacy codec's one is configured):
 * alive, but {@code /q/health/ready} answers 503 DOWN with the reason.
 */
@QuarkusTest
@TestProfile(HealthNotReadyTest.LegacyHumanOnly.class)
class HealthNotReadyTest {
    public static class LegacyHumanOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path legacyHuman = Path.of("..", "adaptors", "src", "main", "resources",
                    CodecOptions.LEGACY_HUMAN_ADAPTOR_V1).toAbsolutePath().normalize();
            return Map.of("lic.packs.adaptors", legacyHuman.toString());
        }
    }

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @Test
    void aliveButNotReady() throws Exception {
        assertThat(HealthTest.get(live).statusCode()).isEqualTo(200);
        HttpResponse<String> r = HealthTest.get(ready);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"status\": \"DOWN\"", "no READY \\\"human\\\" adaptor for the default codec");
    }
}
