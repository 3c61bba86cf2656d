package dev.lic.server;

import dev.lic.core.Codec;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.server.ops.ServingReadiness;
import dev.lic.store.BitstreamStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Health: {@code /q/health/live} is UP while the process answers; {@code /q/health/ready} is UP once the
 * codec packs are loaded, verified and warmed up (the codec is built at start-up, not on the first request)
 * and, from then on, while {@link ServingReadiness} finds the default codec and its active adaptors
 * serving. Its data name each adaptor's active version, or why it does not serve.
 */
@ApplicationScoped
public class CodecReadiness {
    private record Loaded(Codec codec, AdaptorRepository repository) {
    }

    private volatile Loaded loaded;

    /** Called by {@link CodecProducer} when the codec is ready to serve. */
    void loaded(Codec codec, AdaptorRepository repository) {
        loaded = new Loaded(codec, repository);
    }

    /**
     * Builds the store and the codec at start-up: a store that cannot be used (a missing bucket, refused
     * credentials) stops the server here with the reason, before it serves anything.
     */
    void onStart(@Observes StartupEvent start, Instance<BitstreamStore> store, Instance<Codec> codec) {
        store.get();
        codec.get().defaultCodecId();
    }

    @Produces
    @Readiness
    HealthCheck codecServing() {
        return () -> {
            Loaded l = loaded;
            HealthCheckResponseBuilder response = HealthCheckResponse.named("codec");
            if (l == null) {
                return response.down().withData("loading", "the codec packs are being loaded").build();
            }
            ServingReadiness.Verdict verdict = ServingReadiness.of(l.codec(), l.repository());
            verdict.details().forEach(response::withData);
            return response.status(verdict.up()).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck serverAlive() {
        return () -> HealthCheckResponse.up("server");
    }
}
