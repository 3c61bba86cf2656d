package dev.lic.server.rest;

import dev.lic.server.CodecOperations;
import dev.lic.server.LicConfig;
import dev.lic.server.auth.AdminAuth;
import dev.lic.store.BitstreamStore;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The bitstream store over REST (the gRPC Store service's Put, Get and Delete). */
@Path("/v1/bitstreams")
@Tag(name = "store", description = "Bitstreams kept by content id (SHA-256)")
public class BitstreamResource {
    @Inject
    CodecOperations operations;

    @Inject
    BitstreamStore store;

    @Inject
    LicConfig config;

    private AdminAuth auth;

    @PostConstruct
    void init() {
        auth = new AdminAuth(config.admin().token());
    }

    public record Stored(String id, boolean created) {}

    /** Stores a well-formed bitstream: 201 with its content id ({@code created} false: it was there). */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a bitstream", description = "Only well-formed bitstreams are kept; the id is the"
            + " SHA-256 of the bytes (created false: it was already there).")
    @RequestBody(required = true, content = @Content(mediaType = CodecResource.BITSTREAM_TYPE,
            schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "201", description = "Stored", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Stored.class)))
    @APIResponse(responseCode = "400", description = "INVALID_BITSTREAM", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "507", description = "STORE_FULL: over the store quota", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    public Response put(byte[] bitstream) {
        BitstreamStore.PutResult r = operations.put(bitstream == null ? new byte[0] : bitstream);
        return Response.created(URI.create("/v1/bitstreams/" + r.id())).entity(new Stored(r.id(), r.created()))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}")
    @Produces({CodecResource.BITSTREAM_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "Fetch a stored bitstream")
    @APIResponse(responseCode = "200", description = "The bitstream", content = @Content(
            mediaType = CodecResource.BITSTREAM_TYPE, schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "NOT_FOUND", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    public Response get(@PathParam("id") String id) {
        return Response.ok(store.get(id), CodecResource.BITSTREAM_TYPE).build();
    }

    /** Admin call: needs {@code Authorization: Bearer <token>} (401 without, 403 with a wrong one). */
    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete a stored bitstream (admin)", description = "Needs Authorization: Bearer <token>"
            + " with the server's admin token.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = "UNAUTHENTICATED: no token", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "PERMISSION_DENIED: wrong token", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "NOT_FOUND", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RestErrors.ErrorBody.class)))
    public Response delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.check(authorization, "DELETE /v1/bitstreams/{id}");
        store.delete(id);
        return Response.noContent().build();
    }
}
