package dev.lic.server.ops;

import dev.lic.api.LicException;
import dev.lic.core.CancelledException;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service's own meters, exported at {@code /q/metrics} (names as Prometheus shows them):
 * <ul>
 *   <li>{@code lic_requests_seconds} (histogram) per {@code transport} (grpc, rest), {@code rpc} and
 *       {@code status}; with {@code lic_received_bytes_total} and {@code lic_sent_bytes_total} per transport and rpc.
 *   <li>{@code lic_decode_seconds} (histogram) per {@code codec}, {@code adaptor}, {@code version}, {@code task}
 *       and {@code status}; {@code lic_encode_seconds} per {@code codec}, {@code rate} and {@code status}.
 *   <li>{@code lic_images_in_flight} per {@code op} (encode, decode): admitted or waiting for admission.
 * </ul>
 * Store and adaptor gauges: {@link ServingGauges}. Tag values are bounded: rpc names come from fixed
 * tables, adaptor names from the registry (anything else is {@code unknown}), statuses from enums.
 */
@ApplicationScoped
public class LicMetrics {
    /** Histogram buckets: from a small decode (a few ms) to a large encode (tens of seconds). */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30)};

    /** Status tag of a request that failed inside the service, by the error's kind. */
    public static String statusOf(Throwable t) {
        return switch (t) {
            case LicException e -> e.kind().name();
            case CancelledException e -> "CANCELLED";
            case StatusRuntimeException e -> e.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED
                    ? "BUSY" : e.getStatus().getCode().name();
            default -> "INTERNAL";
        };
    }

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** One finished request of a transport. */
    public void request(String transport, String rpc, String status, long nanos, long bytesIn, long bytesOut) {
        timer("lic.requests", "Requests by transport, rpc and status",
                Tags.of("transport", transport, "rpc", rpc, "status", status)).record(nanos, TimeUnit.NANOSECONDS);
        Tags tags = Tags.of("transport", transport, "rpc", rpc);
        bytes("lic.received", "Request bytes received", tags).increment(bytesIn);
        bytes("lic.sent", "Response bytes sent", tags).increment(bytesOut);
    }

    /** One decode through an adaptor ({@code version} 0 and empty task when it failed before one was leased). */
    public void decode(String codecId, String adaptor, int version, String task, String status, long nanos) {
        timer("lic.decode", "Decodes by codec, adaptor version, task and status", Tags.of("codec", codecId,
                "adaptor", adaptor, "version", Integer.toString(version), "task", task, "status", status))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One encode ({@code rate} -1 when it failed before a rate was chosen). */
    public void encode(String codecId, int rate, String status, long nanos) {
        timer("lic.encode", "Encodes by codec, rate and status", Tags.of("codec", codecId, "rate",
                Integer.toString(rate), "status", status)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The in-flight count of {@code op}: increment when an image starts, decrement when it is done. */
    public AtomicInteger inFlight(String op) {
        return inFlight.computeIfAbsent(op, o -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder("lic.images.in.flight", count, AtomicInteger::get).tag("op", o)
                    .description("Images being encoded or decoded, waiting for admission included")
                    .strongReference(true).register(registry);
            return count;
        });
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter bytes(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
    }
}
