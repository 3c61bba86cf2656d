package dev.lic.core.adaptor;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.util.OptionalDouble;

/**
 * A decode request's settings for the task post-processing (docs/adaptor-pack.md, "Request settings"):
 * each one, when present, replaces the pack manifest's value for this request only; absent means the
 * manifest's. Today both belong to {@code detection}: {@code scoreThreshold} replaces
 * {@code postprocess.score_threshold}, {@code nmsIou} {@code postprocess.iou_threshold}.
 *
 * @param scoreThreshold keep a box when its score is at or above this, in [0, 1]
 * @param nmsIou class-wise NMS drops a box overlapping a kept one by IoU above this, in [0, 1]
 */
public record TaskOptions(OptionalDouble scoreThreshold, OptionalDouble nmsIou) {
    /** No settings: every task runs as its pack says. */
    public static final TaskOptions NONE = new TaskOptions(OptionalDouble.empty(), OptionalDouble.empty());

    /** @throws LicException INVALID_ARGUMENT for a value that is NaN or outside [0, 1], naming the field */
    public TaskOptions {
        check(scoreThreshold, "score_threshold");
        check(nmsIou, "nms_iou");
    }

    private static void check(OptionalDouble value, String field) {
        if (value.isPresent() && !(value.getAsDouble() >= 0 && value.getAsDouble() <= 1)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, field + " must be a number in [0, 1], not "
                    + value.getAsDouble());
        }
    }

    /** Whether no setting is given. */
    public boolean isEmpty() {
        return scoreThreshold.isEmpty() && nmsIou.isEmpty();
    }

    /**
     * Refuses settings that the task of {@code adaptor} does not read, so that a request never believes a
     * setting took effect when it did not.
     *
     * @throws LicException INVALID_ARGUMENT naming the settings, the adaptor and its task
     */
    public void checkApplies(String task, String adaptor) {
        if (!isEmpty() && !AdaptorKind.DETECTION.equals(task)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "score_threshold and nms_iou apply to detection"
                    + " adaptors only; adaptor " + adaptor + " has task " + task);
        }
    }

    /** {@code params} with the given settings in place of the manifest's. */
    DetectionPost.Params applyTo(DetectionPost.Params params) {
        DetectionPost.Params p = params;
        if (scoreThreshold.isPresent()) {
            p = p.withScoreThreshold(scoreThreshold.getAsDouble());
        }
        if (nmsIou.isPresent()) {
            p = p.withIouThreshold(nmsIou.getAsDouble());
        }
        return p;
    }
}
