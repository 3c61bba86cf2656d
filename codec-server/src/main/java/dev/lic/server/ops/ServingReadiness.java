package dev.lic.server.ops;

import dev.lic.api.Adaptors;
import dev.lic.core.Codec;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.core.registry.PackRegistry;
import dev.lic.core.registry.PackRegistry.AdaptorStatus;
import dev.lic.core.registry.PackRegistry.VersionStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a loaded codec can serve: the default codec has a READY {@value Adaptors#DEFAULT_NAME} adaptor,
 * and every adaptor that is meant to serve is served by a READY version. "Meant to serve" covers an adaptor
 * whose repository records an active version that did not load (a corrupted pack after a restart): the
 * registry then has no active version for it, and the server is not ready. An adaptor that never had an
 * active version (a first upload that FAILED) does not make the server unready; it is only listed.
 *
 * <p>Pure over the codec and the repository, so tests can build real codecs in each state.
 */
public final class ServingReadiness {
    private ServingReadiness() {
    }

    /** The verdict and one line per codec and adaptor for {@code /q/health/ready}. */
    public record Verdict(boolean up, Map<String, String> details) {
        public Verdict {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /** @param repository the adaptor repository the codec's registry reads; null when it has none */
    public static Verdict of(Codec codec, AdaptorRepository repository) {
        Map<String, String> details = new LinkedHashMap<>();
        String defaultCodec = codec.defaultCodecId();
        details.put("defaultCodec", defaultCodec);
        boolean up = true;
        boolean defaultAdaptor = false;
        for (AdaptorStatus adaptor : codec.registry().list()) {
            String key = adaptor.codecId() + "/" + adaptor.name();
            Optional<VersionStatus> active = version(adaptor, adaptor.activeVersion());
            if (active.isPresent()) {
                VersionStatus v = active.get();
                boolean ready = v.state() == PackRegistry.State.READY;
                details.put(key, "version " + v.version() + " " + v.state() + reason(v));
                up &= ready;
                defaultAdaptor |= ready && adaptor.codecId().equals(defaultCodec)
                        && adaptor.name().equals(Adaptors.DEFAULT_NAME);
                continue;
            }
            int recorded = repository == null ? 0 : repository.readActive(adaptor.codecId(), adaptor.name())
                    .map(AdaptorRepository.ActiveRecord::active).orElse(0);
            if (recorded != 0) {
                up = false;
                details.put(key, "recorded active version " + recorded + " does not serve: "
                        + version(adaptor, recorded).map(v -> v.state() + reason(v)).orElse("it is not stored"));
            } else {
                details.put(key, "no active version (" + adaptor.versions().size() + " not READY)");
            }
        }
        if (!defaultAdaptor) {
            up = false;
            details.put("defaultAdaptor", "no READY \"" + Adaptors.DEFAULT_NAME + "\" adaptor for the default codec "
                    + defaultCodec);
        }
        return new Verdict(up, details);
    }

    private static Optional<VersionStatus> version(AdaptorStatus adaptor, int version) {
        return adaptor.versions().stream().filter(v -> v.version() == version && version != 0).findFirst();
    }

    private static String reason(VersionStatus v) {
        return v.reason().isEmpty() ? "" : " (" + v.reason() + ")";
    }
}
