package dev.lic.server.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.registry.PackRegistry;
import dev.lic.server.CodecOperations;
import dev.lic.server.LicConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * REST gateway over the same operations as the gRPC Codec service ({@link CodecOperations}: limits,
 * admission, codec-core). Errors: {@link RestErrors}.
 */
@Path("/v1")
@Tag(name = "codec", description = "Encode images, decode bitstreams through an adaptor, list codecs and adaptors")
public class CodecResource {
    public static final String BITSTREAM_TYPE = "application/x-lic";

    @Inject
    CodecOperations operations;

    @Inject
    LicConfig config;

    /** Encodes the image in the body (PNG or JPEG) with the default codec; rate absent = the pack default. */
    @POST
    @Path("/encode")
    @Consumes(MediaType.WILDCARD)
    @Produces({BITSTREAM_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "Encode an image", description = "The body is a PNG or JPEG image; the answer is the"
            + " bitstream, with its size, bits per pixel, codec id, rate and image size in X-Lic-* headers.")
    @RequestBody(required = true, content = @Content(mediaType = "image/png",
            schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "200", description = "The bitstream", content = @Content(mediaType = BITSTREAM_TYPE,
            schema = @Schema(type = SchemaType.STRING, format = "binary")), headers = {
                @Header(name = "X-Lic-Size", description = "bitstream bytes"),
                @Header(name = "X-Lic-Bpp", description = "bits per pixel of the original image"),
                @Header(name = "X-Lic-Codec-Id"), @Header(name = "X-Lic-Rate"),
                @Header(name = "X-Lic-Width"), @Header(name = "X-Lic-Height")})
    @APIResponse(responseCode = "400", description = "INVALID_IMAGE (not a PNG/JPEG), INVALID_ARGUMENT (rate)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "UNKNOWN_CODEC: the named codec is not loaded", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "TOO_LARGE: over the image limits", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "BUSY: the memory budget is taken; retry", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    public Response encode(@Parameter(description = "rate index (GET /v1/codecs lists them); absent = the pack's"
            + " default", schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("rate") String rate,
            @Parameter(description = "codec name or id (GET /v1/codecs lists them); absent = the default codec")
            @QueryParam("codec") String codecName,
            byte[] image) {
        EncodeResult r = operations.encode(image == null ? new byte[0] : image, codecName, rate(rate),
                Cancellation.NONE);
        return Response.ok(r.bitstream(), BITSTREAM_TYPE)
                .header("X-Lic-Bpp", String.format(Locale.ROOT, "%.6f", r.bitsPerPixel()))
                .header("X-Lic-Size", r.bitstream().length)
                .header("X-Lic-Codec-Id", r.codecId())
                .header("X-Lic-Rate", r.rateIndex())
                .header("X-Lic-Width", r.width())
                .header("X-Lic-Height", r.height())
                .build();
    }

    private OptionalInt rate(String rate) {
        if (rate == null || rate.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int r = Integer.parseInt(rate);
            if (r >= 0) {
                return OptionalInt.of(r);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new LicException(ErrorKind.INVALID_ARGUMENT, "rate must be a rate index (0 or more), not "
                + (rate.length() <= 32 ? rate : rate.substring(0, 32) + "..."));
    }

    /**
     * Decodes the bitstream in the body with an adaptor (absent = the human one; version absent or 0 = the
     * active one): for image adaptors {@code image/png}, or with {@code format=raw} (or an {@code Accept} of
     * {@code application/octet-stream} without {@code image/png}) the raw RGB bytes; JSON ({@link DecodeJson})
     * for detection and segmentation. {@code score_threshold} and {@code nms_iou} replace the detection pack's
     * values for this request. Headers X-Lic-Width/Height/Codec-Id/Adaptor/Adaptor-Version/Task.
     */
    @POST
    @Path("/decode")
    @Consumes(MediaType.WILDCARD)
    @Produces({"image/png", MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @Operation(summary = "Decode a bitstream through an adaptor", description = "image adaptors answer image/png,"
            + " or with format=raw application/octet-stream: 8-bit RGB interleaved, row-major, X-Lic-Width *"
            + " X-Lic-Height * 3 bytes, no header; detection and segmentation adaptors answer JSON (DecodeJson)."
            + " X-Lic-* headers name the image size, codec, adaptor, version and task.")
    @RequestBody(required = true, content = @Content(mediaType = BITSTREAM_TYPE,
            schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "200", description = "PNG or raw RGB for image adaptors, JSON for the others",
            content = {
                @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING,
                        format = "binary")),
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DecodeJson.class))},
            headers = {@Header(name = "X-Lic-Width"), @Header(name = "X-Lic-Height"), @Header(name = "X-Lic-Codec-Id"),
                @Header(name = "X-Lic-Adaptor"), @Header(name = "X-Lic-Adaptor-Version"), @Header(name = "X-Lic-Task")})
    @APIResponse(responseCode = "400", description = "INVALID_BITSTREAM, UNSUPPORTED_VERSION, INVALID_ARGUMENT"
            + " (version, format, score_threshold or nms_iou not a number in [0, 1] or given for an adaptor that is"
            + " not a detection one)", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "UNKNOWN_ADAPTOR", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "422", description = "CORRUPT_BITSTREAM", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    public Response decode(
            @Parameter(description = "adaptor name (GET /v1/adaptors); absent = human") @QueryParam("adaptor")
            String adaptor,
            @Parameter(description = "adaptor version; absent or 0 = the active one", schema = @Schema(
                    type = SchemaType.INTEGER, minimum = "0")) @QueryParam("version") String version,
            @Parameter(description = "detection adaptors only: keep boxes scoring at least this; absent = the"
                    + " pack's (0.25 for the shipped detection adaptor)", schema = @Schema(type = SchemaType.NUMBER,
                    minimum = "0", maximum = "1")) @QueryParam("score_threshold") String scoreThreshold,
            @Parameter(description = "detection adaptors only: class-wise NMS drops a box whose IoU with a kept one"
                    + " is above this; absent = the pack's (0.45 for the shipped detection adaptor)", schema = @Schema(
                    type = SchemaType.NUMBER, minimum = "0", maximum = "1")) @QueryParam("nms_iou") String nmsIou,
            @Parameter(description = "image adaptors: png (default) or raw (application/octet-stream, 8-bit RGB"
                    + " interleaved, row-major); other tasks ignore it", schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"png", "raw"})) @QueryParam("format") String format,
            @Parameter(hidden = true) @HeaderParam(HttpHeaders.ACCEPT) String accept,
            byte[] bitstream) {
        TaskOptions options = new TaskOptions(unitNumber(scoreThreshold, "score_threshold"),
                unitNumber(nmsIou, "nms_iou"));
        boolean raw = raw(format, accept);
        return operations.decode(bitstream == null ? new byte[0] : bitstream, adaptor, version(version), options,
                Cancellation.NONE, r -> decoded(r, raw));
    }

    /** A query number; absent is empty, the range is {@link TaskOptions}' to check. */
    private static OptionalDouble unitNumber(String value, String name) {
        if (value == null || value.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, name + " must be a number in [0, 1], not "
                    + (value.length() <= 32 ? value : value.substring(0, 32) + "..."));
        }
    }

    /** Raw pixels for {@code format=raw}, or without a format for an Accept of octet-stream that is not PNG. */
    private static boolean raw(String format, String accept) {
        if (format == null || format.isEmpty()) {
            return accept != null && accept.contains(MediaType.APPLICATION_OCTET_STREAM) && !accept.contains("image/png");
        }
        return switch (format) {
            case "png" -> false;
            case "raw" -> true;
            default -> throw new LicException(ErrorKind.INVALID_ARGUMENT, "format must be png or raw");
        };
    }

    private static int version(String version) {
        if (version == null || version.isEmpty()) {
            return 0;
        }
        try {
            int v = Integer.parseInt(version);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new LicException(ErrorKind.INVALID_ARGUMENT, "version must be an adaptor version (1 or more; 0 ="
                + " the active one)");
    }

    private static Response decoded(DecodeResult r, boolean raw) {
        Response.ResponseBuilder response = switch (r.output()) {
            case null -> raw ? Response.ok(r.rgb(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                    : Response.ok(r.pngBytes(), "image/png");
            case DetectionOutput d -> Response.ok(DecodeJson.of(r, d, null), MediaType.APPLICATION_JSON_TYPE);
            case SegmentationOutput s -> Response.ok(DecodeJson.of(r, null, s), MediaType.APPLICATION_JSON_TYPE);
            default -> throw new IllegalStateException("no REST output for task " + r.task());
        };
        return response.header("X-Lic-Width", r.width()).header("X-Lic-Height", r.height())
                .header("X-Lic-Codec-Id", r.codecId()).header("X-Lic-Adaptor", r.adaptorName())
                .header("X-Lic-Adaptor-Version", r.adaptorVersion()).header("X-Lic-Task", r.task()).build();
    }

    /**
     * JSON of a non-image decode: the typed output of the adaptor, {@code detections} (boxes in pixels of the
     * decoded image) or {@code segmentation} ({@code classMap} base64, {@code bytesPerPixel} per pixel, row
     * major).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DecodeJson(String task, String codecId, String adaptor, int adaptorVersion, int width, int height,
            DetectionOutput detections, SegmentationOutput segmentation) {
        static DecodeJson of(DecodeResult r, DetectionOutput d, SegmentationOutput s) {
            return new DecodeJson(r.task(), r.codecId(), r.adaptorName(), r.adaptorVersion(), r.width(), r.height(),
                    d, s);
        }
    }

    /** The loaded codec packs (what gRPC Describe gives). */
    @GET
    @Path("/codecs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The loaded codecs", description = "Each codec's rates with the nominal Kodak bpp and PSNR,"
            + " the default codec and the request limits.")
    public Codecs codecs() {
        var c = operations.codec();
        List<CodecJson> codecs = c.codecIds().stream().sorted().map(c::codecPack).map(CodecJson::of).toList();
        var l = config.limits();
        return new Codecs(c.defaultCodecId(), new Limits(l.maxPixels(), l.maxDimension(), l.maxImageBytes(),
                l.maxBitstreamBytes()), codecs);
    }

    public record Codecs(String defaultCodecId, Limits limits, List<CodecJson> codecs) {}

    public record Limits(long maxPixels, long maxDimension, long maxImageBytes, long maxBitstreamBytes) {}

    /** A codec pack: its rates with the nominal Kodak bpp and PSNR (null where the pack gives none). */
    public record CodecJson(String codecId, String name, int defaultRate, List<RateJson> rates) {
        static CodecJson of(CodecPack p) {
            return new CodecJson(p.codecId(), p.name(), p.defaultRate(), p.rates().stream()
                    .map(r -> new RateJson(r.index(), num(r.lambda()), num(r.kodakBpp()), num(r.kodakPsnr())))
                    .toList());
        }
    }

    public record RateJson(int index, Double lambda, Double kodakBpp, Double kodakPsnr) {}

    private static Double num(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** The adaptor registry (what gRPC Adaptors.List gives): versions with states, the active one. */
    @GET
    @Path("/adaptors")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The adaptor registry", description = "Every adaptor per codec with its versions (LOADING,"
            + " READY, FAILED with the reason) and the active one.")
    public AdaptorsJson adaptors() {
        return new AdaptorsJson(operations.codec().registry().list());
    }

    public record AdaptorsJson(List<PackRegistry.AdaptorStatus> adaptors) {}
}
