package dev.lic.server.ops;

import dev.lic.core.Codec;
import dev.lic.core.registry.PackRegistry;
import dev.lic.store.BitstreamStore;
import dev.lic.store.FileSystemStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Gauges of what the server holds: {@code lic_store_objects} and {@code lic_store_size_bytes} (the store's
 * counted usage), and {@code lic_adaptor_active} = 1 for each active adaptor version, tagged
 * {@code codec}, {@code name}, {@code version} and {@code task}. Versions change at any time (a registration
 * finishes on the loader thread), so the adaptor rows are rebuilt before each scrape ({@link #refresh}).
 */
@ApplicationScoped
public class ServingGauges {
    @Inject
    MeterRegistry registry;

    @Inject
    Codec codec;

    @Inject
    BitstreamStore store;

    private volatile MultiGauge activeAdaptors;

    void start(@Observes StartupEvent start) {
        if (store instanceof FileSystemStore fs) {
            Gauge.builder("lic.store.objects", fs, s -> s.usage()[1]).description("Objects in the bitstream store")
                    .strongReference(true).register(registry);
            Gauge.builder("lic.store.size", fs, s -> s.usage()[0]).baseUnit(BaseUnits.BYTES)
                    .description("Bytes in the bitstream store").strongReference(true).register(registry);
        }
        activeAdaptors = MultiGauge.builder("lic.adaptor.active")
                .description("1 for each active adaptor version (codec, name, version, task)").register(registry);
        refresh();
    }

    /** Rebuilds the active adaptor rows from the registry; rows of versions no longer active disappear. */
    public void refresh() {
        MultiGauge gauge = activeAdaptors;
        if (gauge == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = codec.registry().list().stream()
                .filter(a -> a.activeVersion() != 0)
                .map(a -> MultiGauge.Row.of(Tags.of("codec", a.codecId(), "name", a.name(),
                        "version", Integer.toString(a.activeVersion()), "task", task(a)), 1))
                .<MultiGauge.Row<?>>map(r -> r)
                .toList();
        gauge.register(rows, true);
    }

    private static String task(PackRegistry.AdaptorStatus a) {
        return a.versions().stream().filter(v -> v.version() == a.activeVersion()).map(PackRegistry.VersionStatus::task)
                .findFirst().orElse("");
    }
}
