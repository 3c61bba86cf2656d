package dev.lic.server;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Server settings, {@code lic.*} in application.properties (documented there). */
@ConfigMapping(prefix = "lic")
public interface LicConfig {

    /**
     * Address gRPC and HTTP listen on ({@code quarkus.grpc.server.host} and {@code quarkus.http.host} follow
     * it): this machine only by default; {@code 0.0.0.0} opens the server to the network.
     */
    @WithDefault("127.0.0.1")
    String listenHost();

    Store store();

    Limits limits();

    Packs packs();

    Onnx onnx();

    Admin admin();

    Adaptors adaptors();

    Registry registry();

    interface Registry {
        /**
         * How often this server checks whether another server sharing its store changed the adaptor registry
         * (one read of a small object's tag; a listing only when it changed). 0 = never.
         */
        @WithDefault("2s")
        java.time.Duration pollInterval();
    }

    interface Adaptors {
        /** Root of the versioned adaptor repository: DIR/CODEC_ID/NAME/VERSION/ and DIR/CODEC_ID/NAME/active.json. */
        @WithDefault("lic-data/adaptors")
        String dir();

        /** Largest pack Register accepts, all files together (bytes). */
        @WithDefault("67108864")
        long maxPackBytes();
    }

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
        /** Where bitstreams and the adaptor registry live: {@code filesystem} (the default) or {@code s3}. */
        @WithDefault("filesystem")
        Kind kind();

        enum Kind { FILESYSTEM, S3 }

        /** The S3-compatible object store, with {@code kind=s3} (docs/deployment.md). */
        S3 s3();

        interface S3 {
            /** Endpoint of an S3-compatible server (MinIO, Ceph, R2...); absent = AWS S3 for the region. */
            Optional<String> endpoint();

            @WithDefault("us-east-1")
            String region();

            /** The bucket; it must exist (the server never creates it) and the credentials must reach it. */
            Optional<String> bucket();

            /** {@code endpoint/bucket/key} addressing, which most S3-compatible servers need. */
            @WithDefault("false")
            boolean pathStyle();

            /** Prepended to every key ("" or ending in '/'): several deployments can share one bucket. */
            Optional<String> prefix();

            /** Attempts per call, the first included, on 500/503/throttling/connection failures. */
            @WithDefault("4")
            int maxAttempts();

            /** Objects from this size up are uploaded in parts (bytes; at least 5 MiB). */
            @WithDefault("16777216")
            long multipartThreshold();
        }

        /** Root folder of the filesystem store. */
        @WithDefault("lic-data/store")
        String dir();

        /** Quota: total bytes of stored objects; a Put that would exceed it is STORE_FULL. 0 = no limit. */
        @WithDefault("10737418240")
        long maxBytes();

        /** Quota: number of stored objects; 0 = no limit. */
        @WithDefault("1000000")
        long maxObjects();
    }

    interface Admin {
        /** Bearer token for admin (mutating) calls; absent = admin calls refused. */
        Optional<String> token();
    }

    /**
     * Request limits. The pixel and per-side defaults are codec-core's ({@link dev.lic.core.Limits}, their one
     * source); the byte limits are the server's own, below the gRPC inbound message size.
     */
    interface Limits {
        /** The server's default for image and bitstream bytes in one request: 32 MiB. */
        int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;

        @WithDefault("" + dev.lic.core.Limits.DEFAULT_MAX_PIXELS)
        long maxPixels();

        /** Largest width or height (the bitstream format allows 65535). */
        @WithDefault("" + dev.lic.core.Limits.DEFAULT_MAX_DIMENSION)
        int maxDimension();

        @WithDefault("" + DEFAULT_MAX_REQUEST_BYTES)
        int maxImageBytes();

        @WithDefault("" + DEFAULT_MAX_REQUEST_BYTES)
        int maxBitstreamBytes();
    }

    interface Packs {
        /** Codec pack folders, the encoding default first; empty = the packs shipped inside the server. */
        Optional<List<String>> codec();

        /**
         * Adaptor pack folders seeded into the adaptor repository when it has no folder for their (codec,
         * name); empty = the adaptors shipped inside the server.
         */
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
