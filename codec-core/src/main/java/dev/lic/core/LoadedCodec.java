package dev.lic.core;

import dev.lic.core.onnx.AnalysisSession;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pipeline.HyperPrior;

/** A codec pack with its integer h_s and its analysis session, created in open or on first use. */
final class LoadedCodec {
    final CodecPack pack;
    final HyperPrior hyper;
    private final SessionConfig config;
    private volatile AnalysisSession analysis;

    LoadedCodec(CodecPack pack, HyperPrior hyper, SessionConfig config, boolean analysisNow) {
        this.pack = pack;
        this.hyper = hyper;
        this.config = config;
        if (analysisNow) {
            analysis = new AnalysisSession(pack, config);
        }
    }

    /** The analysis session, created here on first use when the pack was loaded without it. */
    AnalysisSession analysis() {
        AnalysisSession a = analysis;
        if (a == null) {
            synchronized (this) {
                a = analysis;
                if (a == null) {
                    a = new AnalysisSession(pack, config);
                    analysis = a;
                }
            }
        }
        return a;
    }

    boolean analysisLoaded() {
        return analysis != null;
    }

    synchronized void close() {
        if (analysis != null) {
            analysis.close();
        }
    }
}
