package dev.lic.cli;

import dev.lic.core.CodecOptions;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --offline or a server address. */
final class BackendOptions {
    @Mixin
    ServerOptions server;

    @Option(names = "--offline", description = "run the codec in this process instead of calling a server")
    boolean offline;

    /** Offline: every bundled pack. */
    Backend open() {
        return offline ? new OfflineBackend() : new RemoteBackend(server.connect());
    }

    /** Offline: what encoding needs, {@code threads} per image (0: codec-core's default). */
    Backend openForEncode(String codec, int threads) {
        return offline ? OfflineBackend.forEncode(codec, orDefault(threads)) : new RemoteBackend(server.connect());
    }

    /**
     * Offline: what decoding bitstreams of {@code codecIds} through {@code adaptor} version {@code version}
     * (0: the active one) needs, {@code threads} per image (0: default).
     */
    Backend openForDecode(Set<String> codecIds, String adaptor, int version, int threads) {
        return offline ? OfflineBackend.forDecode(codecIds, adaptor, version, orDefault(threads))
                : new RemoteBackend(server.connect());
    }

    private static int orDefault(int threads) {
        return threads > 0 ? threads : CodecOptions.defaults().intraOpThreads();
    }
}
