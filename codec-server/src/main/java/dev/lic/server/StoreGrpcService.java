package dev.lic.server;

import com.google.protobuf.ByteString;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.proto.v1.DeleteRequest;
import dev.lic.proto.v1.DeleteResponse;
import dev.lic.proto.v1.GetRequest;
import dev.lic.proto.v1.GetResponse;
import dev.lic.proto.v1.ListRequest;
import dev.lic.proto.v1.ListResponse;
import dev.lic.proto.v1.PutRequest;
import dev.lic.proto.v1.PutResponse;
import dev.lic.proto.v1.StoreGrpc;
import dev.lic.proto.v1.StoredBitstream;
import dev.lic.store.BitstreamStore;
import dev.lic.store.BitstreamStore.StoredEntry;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;

/** gRPC Store service over {@link BitstreamStore}; only well-formed bitstreams are accepted. */
@GrpcService
@Blocking
public class StoreGrpcService extends StoreGrpc.StoreImplBase {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    @Inject
    BitstreamStore store;

    @Inject
    CodecOperations operations;

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            BitstreamStore.PutResult result = operations.put(request.getBitstream().toByteArray());
            return PutResponse.newBuilder().setId(result.id()).setCreated(result.created()).build();
        });
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> observer) {
        GrpcErrors.respond(observer, () -> GetResponse.newBuilder()
                .setBitstream(ByteString.copyFrom(store.get(request.getId()))).build());
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
            if (size < 1 || size > MAX_PAGE) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "page_size must be 1.." + MAX_PAGE);
            }
            // One extra entry tells whether another page follows.
            List<StoredEntry> entries = store.list(request.getPageToken(), size + 1);
            ListResponse.Builder response = ListResponse.newBuilder();
            entries.stream().limit(size).forEach(e -> response.addItems(StoredBitstream.newBuilder()
                    .setId(e.id()).setSizeBytes(e.sizeBytes()).setCodecId(e.codecId())
                    .setWidth(e.width()).setHeight(e.height())));
            if (entries.size() > size) {
                response.setNextPageToken(entries.get(size - 1).id());
            }
            return response.build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            store.delete(request.getId());
            return DeleteResponse.getDefaultInstance();
        });
    }
}
