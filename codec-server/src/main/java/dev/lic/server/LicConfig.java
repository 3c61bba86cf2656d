package dev.lic.server;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Server settings, {@code lic.*} in application.properties (documented there). */
@ConfigMapping(prefix = "lic")
public interface LicConfig {

    Store store();

    Limits limits();

    Packs packs();

    Onnx onnx();

    Admission admission();

    interface Admission {
        /**
         * Memory budget in MiB for requests in flight, each weighted by its estimated peak
         * (docs/memory.md); 1536 keeps 4 concurrent 4096x4096 decodes under ~3 GB RSS.
         */
        @WithDefault("1536")
        int budgetMb();

        /** How long a request waits for budget before RESOURCE_EXHAUSTED. */
        @WithDefault("2000")
        long waitMs();
    }

    interface Store {
        /** Root folder of the filesystem store. */
        @WithDefault("lic-data/store")
        String dir();
    }

    interface Limits {
        @WithDefault("16777216")
        long maxPixels();

        /** Largest width or height (the bitstream format allows 65535). */
        @WithDefault("16384")
        int maxDimension();

        @WithDefault("33554432")
        int maxImageBytes();

        @WithDefault("33554432")
        int maxBitstreamBytes();
    }

    interface Packs {
        /** Codec pack folders, the encoding default first; empty = the packs shipped inside the server. */
        Optional<List<String>> codec();

        /** Adaptor pack folders; empty = the adaptors shipped inside the server. */
        Optional<List<String>> adaptors();
    }

    interface Onnx {
        /**
         * ONNX Runtime intra-op threads per session (also the integer h_s threads); 0 = min(4, cores). 1 by
         * default: concurrent requests each get a core (more throughput than sharing threads).
         */
        @WithDefault("1")
        int intraOpThreads();

        /** Use the CUDA execution provider when the runtime has it (falls back to CPU). */
        @WithDefault("false")
        boolean cuda();
    }
}
