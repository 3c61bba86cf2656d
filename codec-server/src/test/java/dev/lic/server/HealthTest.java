package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * /q/health/live and /q/health/ready of the real server: ready, with the default codec and each adaptor's
 * active version in the check's data. (The not-ready state over HTTP: {@link HealthNotReadyTest}.)
 */
@QuarkusTest
class HealthTest {
    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    static HttpResponse<String> get(URL url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void liveAndReadyAnswerUp() throws Exception {
        HttpResponse<String> l = get(live);
        assertThat(l.statusCode()).isEqualTo(200);
        assertThat(l.body()).contains("\"status\": \"UP\"", "\"server\"");
        HttpResponse<String> r = get(ready);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\": \"UP\"", "\"codec\"", "\"defaultCodec\"", "/human\": \"version 1 READY\"");
    }
}
