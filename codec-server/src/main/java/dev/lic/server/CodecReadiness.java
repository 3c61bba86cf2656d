package dev.lic.server;

import dev.lic.core.Codec;
import dev.lic.store.BitstreamStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Health: {@code /q/health/ready} is UP once the codec packs are loaded, verified and warmed up (the codec
 * is built at start-up, not on the first request); {@code /q/health/live} is UP while the process answers.
 */
@ApplicationScoped
public class CodecReadiness {
    private volatile boolean loaded;

    /** Called by {@link CodecProducer} when the codec is ready to serve. */
    void loaded() {
        loaded = true;
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
    HealthCheck codecLoaded() {
        return () -> HealthCheckResponse.named("codec").status(loaded).build();
    }

    @Produces
    @Liveness
    HealthCheck serverAlive() {
        return () -> HealthCheckResponse.up("server");
    }
}
