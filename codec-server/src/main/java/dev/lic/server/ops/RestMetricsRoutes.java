package dev.lic.server.ops;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Records every REST gateway request ({@code /v1/...}) in {@link LicMetrics#request} (transport {@code rest},
 * rpc = method and path template, status = the HTTP status, bytes = body bytes read and written), and
 * refreshes {@link ServingGauges} before each scrape of {@code /q/metrics}. Both run ahead of every other
 * route on the HTTP router.
 */
@ApplicationScoped
public class RestMetricsRoutes {
    private static final Set<String> PATHS = Set.of("/v1/encode", "/v1/decode", "/v1/bitstreams", "/v1/codecs",
            "/v1/adaptors");
    private static final Pattern BITSTREAM = Pattern.compile("/v1/bitstreams/[^/]+");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");

    @Inject
    LicMetrics metrics;

    @Inject
    ServingGauges gauges;

    void install(@Observes Router router) {
        router.route("/v1/*").order(-1000).handler(this::measure);
        router.route("/q/metrics").order(-1000).handler(ctx -> {
            gauges.refresh();
            ctx.next();
        });
    }

    private void measure(RoutingContext ctx) {
        long start = System.nanoTime();
        String rpc = rpc(ctx.request().method().name(), ctx.normalizedPath());
        ctx.addEndHandler(done -> metrics.request("rest", rpc, Integer.toString(ctx.response().getStatusCode()),
                System.nanoTime() - start, ctx.request().bytesRead(), ctx.response().bytesWritten()));
        ctx.next();
    }

    /** "METHOD /path-template", from fixed tables so that no request can create new tag values. */
    static String rpc(String method, String path) {
        String template = PATHS.contains(path) ? path : BITSTREAM.matcher(path).matches() ? "/v1/bitstreams/{id}"
                : "other";
        return (METHODS.contains(method) ? method : "OTHER") + " " + template;
    }
}
