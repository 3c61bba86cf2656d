package dev.lic.server;

import dev.lic.core.DecodeTimings;
import dev.lic.core.EncodeTimings;
import dev.lic.proto.v1.StageTimings;

/** codec-core stage timings to the API's stage name -> milliseconds map. */
final class StageTimingsMapper {
    private StageTimingsMapper() {}

    static StageTimings of(EncodeTimings t) {
        return StageTimings.newBuilder()
                .putMillis("image_read", ms(t.imageReadNanos()))
                .putMillis("analysis", ms(t.analysisNanos()))
                .putMillis("hyper_synthesis", ms(t.hyperSynthesisNanos()))
                .putMillis("entropy_coding", ms(t.entropyCodingNanos()))
                .putMillis("container", ms(t.containerNanos()))
                .putMillis("total", ms(t.totalNanos()))
                .build();
    }

    static StageTimings of(DecodeTimings t) {
        return StageTimings.newBuilder()
                .putMillis("parse", ms(t.parseNanos()))
                .putMillis("entropy_decode_z", ms(t.zDecodeNanos()))
                .putMillis("hyper_synthesis", ms(t.hyperSynthesisNanos()))
                .putMillis("entropy_decode_y", ms(t.yDecodeNanos()))
                .putMillis("synthesis", ms(t.synthesisNanos()))
                .putMillis("image_output", ms(t.imageOutputNanos()))
                .putMillis("total", ms(t.totalNanos()))
                .build();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
