package dev.lic.core.adaptor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Detection post-processing of docs/adaptor-pack.md: box decoding ({@code yolox} grid rule or {@code xyxy}),
 * score threshold, mapping from the graph's input frame to original-image pixels, clipping, class-wise
 * greedy NMS and the cap on detections. Pure functions; the manifest's {@code postprocess} parsed once.
 */
public final class DetectionPost {
    private DetectionPost() {
    }

    /** Decoding rules. */
    public enum Decode { YOLOX, XYXY }

    /** Input geometry: the frame the graph's box coordinates are in, relative to the decoder's padded image. */
    public enum Geometry { PADDED, LETTERBOX, STRETCH }

    /** The manifest's {@code postprocess} for {@code detection}. */
    public record Params(Decode decode, int[] strides, boolean sigmoid, Geometry geometry, int inputWidth,
                         int inputHeight, double scoreThreshold, double iouThreshold, int maxDetections) {
        /** The same with another score threshold (a request's override). */
        public Params withScoreThreshold(double t) {
            return new Params(decode, strides, sigmoid, geometry, inputWidth, inputHeight, t, iouThreshold,
                    maxDetections);
        }

        /** The same with another NMS IoU threshold (a request's override). */
        public Params withIouThreshold(double t) {
            return new Params(decode, strides, sigmoid, geometry, inputWidth, inputHeight, scoreThreshold, t,
                    maxDetections);
        }
    }

    /** A candidate box in original-image pixels: its anchor index breaks score ties. */
    public record Candidate(double score, int anchor, int cls, double x0, double y0, double x1, double y1) {
    }

    /** Parses and checks {@code postprocess}. @throws LicException INVALID_PACK naming the field */
    public static Params parse(JsonNode pp, String what) {
        Decode decode = switch (pp.path("decode").asText("")) {
            case "yolox" -> Decode.YOLOX;
            case "xyxy" -> Decode.XYXY;
            default -> throw invalid(what, "postprocess.decode must be yolox or xyxy");
        };
        int[] strides = new int[0];
        if (decode == Decode.YOLOX) {
            JsonNode s = pp.path("strides");
            if (!s.isArray() || s.isEmpty() || s.size() > 8) {
                throw invalid(what, "postprocess.strides must list 1..8 strides for decode yolox");
            }
            strides = new int[s.size()];
            for (int i = 0; i < strides.length; i++) {
                if (!s.get(i).isInt() || s.get(i).intValue() < 1 || s.get(i).intValue() > 1024) {
                    throw invalid(what, "postprocess.strides must be integers in 1..1024");
                }
                strides[i] = s.get(i).intValue();
            }
        }
        boolean sigmoid = switch (pp.path("score_activation").asText("none")) {
            case "none" -> false;
            case "sigmoid" -> true;
            default -> throw invalid(what, "postprocess.score_activation must be none or sigmoid");
        };
        JsonNode g = pp.path("geometry");
        Geometry geometry = switch (g.path("mode").asText("padded")) {
            case "padded" -> Geometry.PADDED;
            case "letterbox" -> Geometry.LETTERBOX;
            case "stretch" -> Geometry.STRETCH;
            default -> throw invalid(what, "postprocess.geometry.mode must be padded, letterbox or stretch");
        };
        int inW = 0;
        int inH = 0;
        if (geometry != Geometry.PADDED) {
            inW = g.path("width").asInt(0);
            inH = g.path("height").asInt(0);
            if (!g.path("width").isInt() || !g.path("height").isInt() || inW < 1 || inH < 1 || inW > 16384
                    || inH > 16384) {
                throw invalid(what, "postprocess.geometry needs width and height in 1..16384 for mode "
                        + g.path("mode").asText());
            }
        }
        double score = number(pp, "score_threshold", 0, 1, what);
        double iou = number(pp, "iou_threshold", 0, 1, what);
        JsonNode max = pp.path("max_detections");
        if (!max.isInt() || max.intValue() < 1 || max.intValue() > 10000) {
            throw invalid(what, "postprocess.max_detections must be an integer in 1..10000");
        }
        return new Params(decode, strides, sigmoid, geometry, inW, inH, score, iou, max.intValue());
    }

    private static double number(JsonNode pp, String field, double lo, double hi, String what) {
        JsonNode n = pp.path(field);
        if (!n.isNumber() || !(n.doubleValue() >= lo && n.doubleValue() <= hi)) {
            throw invalid(what, "postprocess." + field + " must be a number in [" + lo + ", " + hi + "]");
        }
        return n.doubleValue();
    }

    private static LicException invalid(String what, String reason) {
        return new LicException(ErrorKind.INVALID_PACK, what + ": " + reason);
    }

    /** {@code {inW, inH, sx, sy}}: the graph's input frame for a padded image, and frame = padded * s. */
    public static double[] frame(Params p, int padW, int padH) {
        return switch (p.geometry()) {
            case PADDED -> new double[] {padW, padH, 1, 1};
            case LETTERBOX -> {
                double s = Math.min((double) p.inputWidth() / padW, (double) p.inputHeight() / padH);
                yield new double[] {p.inputWidth(), p.inputHeight(), s, s};
            }
            case STRETCH -> new double[] {p.inputWidth(), p.inputHeight(), (double) p.inputWidth() / padW,
                    (double) p.inputHeight() / padH};
        };
    }

    /** Anchors of the yolox rule: per stride (in order) {@code ceil(inH/s) * ceil(inW/s)}, rows then columns. */
    public static int anchorCount(int[] strides, int inW, int inH) {
        long n = 0;
        for (int s : strides) {
            n += (long) ceilDiv(inH, s) * ceilDiv(inW, s);
        }
        return Math.toIntExact(n);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The values per anchor: {@code 5 + C} (yolox) or {@code 4 + C} (xyxy). */
    public static int valuesPerAnchor(Params p, int classes) {
        return (p.decode() == Decode.YOLOX ? 5 : 4) + classes;
    }

    /**
     * Decodes raw predictions {@code [A][D]} of the input frame {@code inW x inH}, keeps scores at or above
     * the threshold, maps boxes to original-image pixels ({@code / s}), clips them to {@code width x height}
     * and drops the empty ones.
     */
    public static List<Candidate> decode(float[] raw, int anchors, Params p, int classes, double[] frame, int width,
                                         int height) {
        int d = valuesPerAnchor(p, classes);
        if ((long) anchors * d != raw.length) {
            throw new IllegalArgumentException(raw.length + " values for " + anchors + " anchors of " + d);
        }
        int inW = (int) frame[0];
        int inH = (int) frame[1];
        List<Candidate> out = new ArrayList<>();
        int a = 0;
        int[] strides = p.decode() == Decode.YOLOX ? p.strides() : new int[] {0};
        for (int s : strides) {
            int gh = p.decode() == Decode.YOLOX ? ceilDiv(inH, s) : 1;
            int gw = p.decode() == Decode.YOLOX ? ceilDiv(inW, s) : anchors;
            for (int gy = 0; gy < gh; gy++) {
                for (int gx = 0; gx < gw; gx++, a++) {
                    int o = a * d;
                    int c0 = p.decode() == Decode.YOLOX ? 5 : 4;
                    int best = 0;
                    double bestScore = act(raw[o + c0], p.sigmoid());
                    for (int c = 1; c < classes; c++) {
                        double v = act(raw[o + c0 + c], p.sigmoid());
                        if (v > bestScore) {
                            bestScore = v;
                            best = c;
                        }
                    }
                    double x0;
                    double y0;
                    double x1;
                    double y1;
                    double score;
                    if (p.decode() == Decode.YOLOX) {
                        score = act(raw[o + 4], p.sigmoid()) * bestScore;
                        if (!(score >= p.scoreThreshold())) {
                            continue;
                        }
                        double cx = (raw[o] + gx) * (double) s;
                        double cy = (raw[o + 1] + gy) * (double) s;
                        double w = Math.exp(raw[o + 2]) * s;
                        double h = Math.exp(raw[o + 3]) * s;
                        x0 = cx - w / 2;
                        y0 = cy - h / 2;
                        x1 = cx + w / 2;
                        y1 = cy + h / 2;
                    } else {
                        score = bestScore;
                        if (!(score >= p.scoreThreshold())) {
                            continue;
                        }
                        x0 = raw[o];
                        y0 = raw[o + 1];
                        x1 = raw[o + 2];
                        y1 = raw[o + 3];
                    }
                    x0 = clip(x0 / frame[2], width);
                    x1 = clip(x1 / frame[2], width);
                    y0 = clip(y0 / frame[3], height);
                    y1 = clip(y1 / frame[3], height);
                    if (x1 > x0 && y1 > y0) {
                        out.add(new Candidate(score, a, best, x0, y0, x1, y1));
                    }
                }
            }
        }
        return out;
    }

    private static double act(float v, boolean sigmoid) {
        return sigmoid ? 1 / (1 + Math.exp(-v)) : v;
    }

    private static double clip(double v, int max) {
        return Double.isNaN(v) ? 0 : Math.min(Math.max(v, 0), max);
    }

    /** Intersection over union of two boxes (continuous coordinates); 0 when the union is empty. */
    public static double iou(Candidate a, Candidate b) {
        double iw = Math.max(0, Math.min(a.x1(), b.x1()) - Math.max(a.x0(), b.x0()));
        double ih = Math.max(0, Math.min(a.y1(), b.y1()) - Math.max(a.y0(), b.y0()));
        double inter = iw * ih;
        double union = (a.x1() - a.x0()) * (a.y1() - a.y0()) + (b.x1() - b.x0()) * (b.y1() - b.y0()) - inter;
        return union > 0 ? inter / union : 0;
    }

    /**
     * Class-wise greedy NMS: candidates by descending score (ties: lower anchor first); a candidate is kept
     * unless a kept one of its class overlaps it with IoU above {@code iouThreshold}; at most {@code max}.
     */
    public static List<Candidate> nms(List<Candidate> candidates, double iouThreshold, int max) {
        Candidate[] sorted = candidates.toArray(new Candidate[0]);
        Arrays.sort(sorted, Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingInt(Candidate::anchor));
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : sorted) {
            if (kept.size() >= max) {
                break;
            }
            boolean keep = true;
            for (Candidate k : kept) {
                if (k.cls() == c.cls() && iou(k, c) > iouThreshold) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                kept.add(c);
            }
        }
        return kept;
    }

    /** The whole rule: decode, threshold, map, clip, NMS, labels. */
    public static List<Detection> run(float[] raw, Params p, List<String> labels, int padW, int padH, int width,
                                      int height) {
        double[] frame = frame(p, padW, padH);
        int anchors = raw.length / valuesPerAnchor(p, labels.size());
        List<Detection> out = new ArrayList<>();
        for (Candidate c : nms(decode(raw, anchors, p, labels.size(), frame, width, height), p.iouThreshold(),
                p.maxDetections())) {
            out.add(new Detection(c.cls(), labels.get(c.cls()), c.score(), c.x0(), c.y0(), c.x1(), c.y1()));
        }
        return out;
    }
}
