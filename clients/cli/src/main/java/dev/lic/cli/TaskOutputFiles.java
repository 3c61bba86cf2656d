package dev.lic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.core.image.PngWriter;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detection;
import dev.lic.proto.v1.SegmentationMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What {@code lic decode} writes for each task (docs/adaptor-pack.md, "Command line"): the PNG for
 * {@code image}; JSON for {@code detection}; for {@code segmentation} JSON, plus an 8-bit class-index PNG
 * when {@code -o} ends in {@code .png} (then the JSON goes beside it, {@code .json}).
 */
final class TaskOutputFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TaskOutputFiles() {
    }

    /**
     * Writes a decode's output: its raw pixels when it has them ({@link ImageForm#raw}), else as
     * {@link #write(DecodeResponse, Path)}; returns the files written.
     */
    static List<Path> write(Backend.Decoded d, Path output) throws IOException {
        if (d.rgb() != null) {
            Files.write(output, d.rgb());
            return List.of(output);
        }
        return write(d.response(), output);
    }

    /**
     * The extension of {@code lic decode}'s output for this response in a folder: {@code .png} or
     * {@code .rgb} for images, {@code .json} for detections, for a segmentation {@code .png} (the class map,
     * the JSON beside it) or, with {@code --format raw}, {@code .json} alone (the map inline).
     */
    static String extension(Backend.Decoded d, ImageForm form) {
        return switch (d.response().getOutputCase()) {
            case DETECTIONS -> ".json";
            case SEGMENTATION -> form == ImageForm.png ? ".png" : ".json";
            default -> d.rgb() != null ? ImageForm.raw.extension() : ImageForm.png.extension();
        };
    }

    /** Writes the response's output; returns the files written. */
    static List<Path> write(DecodeResponse r, Path output) throws IOException {
        List<Path> written = new ArrayList<>();
        switch (r.getOutputCase()) {
            case PNG, OUTPUT_NOT_SET -> {
                Files.write(output, r.getPng().toByteArray());
                written.add(output);
            }
            case DETECTIONS -> {
                ObjectNode json = header(r);
                ArrayNode list = json.putArray("detections");
                for (Detection d : r.getDetections().getDetectionsList()) {
                    ObjectNode o = list.addObject();
                    o.put("class", d.getClassIndex());
                    o.put("label", d.getLabel());
                    o.put("score", d.getScore());
                    o.putArray("box").add(d.getX0()).add(d.getY0()).add(d.getX1()).add(d.getY1());
                }
                JSON.writeValue(output.toFile(), json);
                written.add(output);
            }
            case SEGMENTATION -> {
                SegmentationMap map = r.getSegmentation();
                ObjectNode json = header(r);
                json.put("bytes_per_pixel", map.getBytesPerPixel());
                ArrayNode fractions = json.putArray("classes");
                for (int c = 0; c < map.getLabelsCount(); c++) {
                    fractions.addObject().put("class", c).put("label", map.getLabels(c))
                            .put("fraction", c < map.getFractionsCount() ? map.getFractions(c) : 0);
                }
                Path jsonPath = output;
                String name = output.getFileName().toString();
                if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") && map.getBytesPerPixel() == 1) {
                    Files.write(output, PngWriter.writeGrey(map.getClasses().toByteArray(), map.getWidth(),
                            map.getHeight()));
                    written.add(output);
                    jsonPath = output.resolveSibling(name.substring(0, name.length() - 4) + ".json");
                    json.put("class_map_png", output.getFileName().toString());
                } else {
                    json.put("class_map", Base64.getEncoder().encodeToString(map.getClasses().toByteArray()));
                }
                JSON.writeValue(jsonPath.toFile(), json);
                written.add(jsonPath);
            }
        }
        return written;
    }

    private static ObjectNode header(DecodeResponse r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("width", r.getWidth());
        json.put("height", r.getHeight());
        json.put("codec_id", r.getCodecId());
        json.put("adaptor", r.getAdaptor());
        json.put("version", r.getAdaptorVersion());
        json.put("task", r.getTask().isEmpty() ? "image" : r.getTask());
        return json;
    }
}
