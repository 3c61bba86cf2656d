package dev.lic.server;

import dev.lic.core.Codec;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this server's adaptor registry in line with the store it shares with other replicas: every
 * {@code lic.registry.poll-interval} it asks the registry to refresh, which costs one read of the store's
 * change tag and a listing only when another server changed something (docs/deployment.md). A failed
 * poll (the store unreachable) is logged and tried again at the next tick; requests keep being served
 * from the snapshot already loaded.
 */
@ApplicationScoped
public class RegistryPoller {
    private static final Logger LOG = Logger.getLogger(RegistryPoller.class);

    private ScheduledExecutorService timer;

    void onStart(@Observes StartupEvent start, Codec codec, LicConfig config) {
        long millis = config.registry().pollInterval().toMillis();
        if (millis <= 0) {
            LOG.info("adaptor registry polling is off (lic.registry.poll-interval=0)");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lic-registry-poller");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> poll(codec), millis, millis, TimeUnit.MILLISECONDS);
        LOG.infof("adaptor registry: checking the store for changes every %d ms", millis);
    }

    private static void poll(Codec codec) {
        try {
            codec.registry().refresh();
        } catch (RuntimeException e) {
            LOG.warnf("adaptor registry poll failed (retried at the next tick): %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
