package dev.lic.core.adaptor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.pack.AdaptorPack;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The bundled self-test of docs/adaptor-pack.md: runs the pack's latent through the adaptor and compares the
 * typed output with {@code selftest.expected} by the task's tolerance rule. A mismatch is INVALID_PACK
 * with the reason, so the version ends FAILED.
 */
final class SelfTests {
    private SelfTests() {
    }

    /** Runs the self-test of {@code pack} on {@code adaptor}; false when the pack has none. */
    static boolean run(AdaptorPack pack, TaskAdaptor adaptor, int m) {
        if (pack.selfTest().isEmpty()) {
            return false;
        }
        AdaptorPack.SelfTest st = pack.selfTest().get();
        String what = "pack " + pack.source().describe() + ": self-test";
        if (st.channels() != m) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": its latent has " + st.channels()
                    + " channels, the codec has M = " + m);
        }
        AdaptorOutput out;
        try {
            out = adaptor.run(st.input(), m, st.latentHeight(), st.latentWidth(), st.width(), st.height());
        } catch (LicException e) {
            throw new LicException(ErrorKind.INVALID_PACK, what + " failed: " + e.getMessage(), e);
        }
        String failure = switch (out) {
            case ImageOutput img -> image(img, st);
            case DetectionOutput det -> detection(det, st.expected(), adaptor);
            case SegmentationOutput seg -> segmentation(seg, st.expected());
            default -> "no rule for task " + out.task();
        };
        if (failure != null) {
            throw new LicException(ErrorKind.INVALID_PACK, what + " failed: " + failure);
        }
        return true;
    }

    private static byte[] base64(JsonNode expected, String field) {
        JsonNode n = expected.path(field);
        if (!n.isTextual()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(n.textValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String image(ImageOutput img, AdaptorPack.SelfTest st) {
        byte[] want = base64(st.expected(), "rgb");
        double maxAbs = st.expected().path("max_abs_error").asDouble(-1);
        double meanAbs = st.expected().path("mean_abs_error").asDouble(-1);
        if (want == null || want.length != 3 * st.width() * st.height() || maxAbs < 0 || meanAbs < 0) {
            return "expected needs rgb (base64 of " + 3 * st.width() * st.height()
                    + " bytes), max_abs_error and mean_abs_error";
        }
        byte[] got = dev.lic.core.image.RgbImage.fromPlanes(img.planes(), img.width(), img.height(), st.width(),
                st.height()).rgb();
        long sum = 0;
        int max = 0;
        for (int i = 0; i < want.length; i++) {
            int d = Math.abs((got[i] & 0xff) - (want[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        double mean = (double) sum / want.length;
        if (max > maxAbs || mean > meanAbs) {
            return "RGB differs from the expected by max " + max + " (allowed " + maxAbs + "), mean "
                    + String.format(java.util.Locale.ROOT, "%.3f", mean) + " (allowed " + meanAbs + ")";
        }
        return null;
    }

    static String detection(DetectionOutput det, JsonNode expected, TaskAdaptor adaptor) {
        double boxTol = expected.path("box_tolerance").asDouble(-1);
        double scoreTol = expected.path("score_tolerance").asDouble(-1);
        JsonNode list = expected.path("detections");
        if (!list.isArray() || boxTol < 0 || scoreTol < 0) {
            return "expected needs detections, box_tolerance and score_tolerance";
        }
        double threshold = adaptor instanceof DetectionAdaptorKind.Adaptor a ? a.params().scoreThreshold() : 0;
        List<Detection> unmatched = new ArrayList<>(det.detections());
        for (JsonNode e : list) {
            int cls = e.path("class").asInt(-1);
            double score = e.path("score").asDouble(Double.NaN);
            JsonNode box = e.path("box");
            if (!box.isArray() || box.size() != 4) {
                return "an expected detection has no box [x0,y0,x1,y1]";
            }
            Detection match = null;
            for (Detection d : unmatched) {
                if (d.classIndex() == cls && Math.abs(d.score() - score) <= scoreTol
                        && Math.abs(d.x0() - box.get(0).asDouble()) <= boxTol
                        && Math.abs(d.y0() - box.get(1).asDouble()) <= boxTol
                        && Math.abs(d.x1() - box.get(2).asDouble()) <= boxTol
                        && Math.abs(d.y1() - box.get(3).asDouble()) <= boxTol) {
                    match = d;
                    break;
                }
            }
            if (match != null) {
                unmatched.remove(match);
            } else if (!(score < threshold + scoreTol)) {
                return "expected detection class " + cls + " score " + score + " box " + box + " not found (got "
                        + det.detections() + ")";
            }
        }
        for (Detection d : unmatched) {
            if (!(d.score() < threshold + scoreTol)) {
                return "unexpected detection " + d;
            }
        }
        return null;
    }

    static String segmentation(SegmentationOutput seg, JsonNode expected) {
        byte[] want = base64(expected, "classes");
        double min = expected.path("min_agreement").asDouble(-1);
        int n = seg.width() * seg.height();
        if (want == null || want.length != n * seg.bytesPerPixel() || !(min >= 0.99 && min <= 1)) {
            return "expected needs classes (base64 of " + n * seg.bytesPerPixel()
                    + " bytes) and min_agreement in [0.99, 1]";
        }
        SegmentationOutput ref = new SegmentationOutput(want, seg.bytesPerPixel(), seg.width(), seg.height(),
                new double[0], List.of());
        long same = 0;
        for (int i = 0; i < n; i++) {
            if (ref.classAt(i) == seg.classAt(i)) {
                same++;
            }
        }
        double agreement = (double) same / n;
        if (agreement < min) {
            return "class map agrees with the expected on " + String.format(java.util.Locale.ROOT, "%.4f", agreement)
                    + " of the pixels (needs " + min + ")";
        }
        return null;
    }
}
