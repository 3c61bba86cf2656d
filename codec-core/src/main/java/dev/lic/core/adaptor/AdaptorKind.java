package dev.lic.core.adaptor;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.pack.AdaptorPack;

import java.util.Map;

/**
 * A task kind as a plug-in: how to open a verified adaptor pack of that task. A new kind adds an
 * implementation here and an {@link AdaptorOutput} type; the registry, the repository and the control API do
 * not change.
 */
public interface AdaptorKind {
    /** The task of plain synthesis to RGB (the {@code human} adaptor). */
    String IMAGE = AdaptorPack.TASK_IMAGE;
    /** Boxes with class, label and score ({@link DetectionOutput}). */
    String DETECTION = AdaptorPack.TASK_DETECTION;
    /** A class-index map with per-class fractions ({@link SegmentationOutput}). */
    String SEGMENTATION = AdaptorPack.TASK_SEGMENTATION;

    /** The manifest's {@code task} this kind serves. */
    String task();

    /** Creates the graph sessions; INVALID_PACK when the graphs do not load with the declared names. */
    TaskAdaptor open(AdaptorPack pack, SessionConfig config);

    /** The kinds this build knows, by task. */
    Map<String, AdaptorKind> KNOWN = Map.of(IMAGE, new ImageAdaptorKind(),
            DETECTION, new DetectionAdaptorKind(), SEGMENTATION, new SegmentationAdaptorKind());

    /** The kind of {@code task}. @throws LicException INVALID_PACK for a task this build does not know */
    static AdaptorKind of(String task, String what) {
        AdaptorKind kind = task == null ? null : KNOWN.get(task);
        if (kind == null) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": unknown task " + (task == null ? "(none)" : task)
                    + " (this build knows " + KNOWN.keySet() + ")");
        }
        return kind;
    }
}
