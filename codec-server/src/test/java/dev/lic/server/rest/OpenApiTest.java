package dev.lic.server.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes the REST gateway's contract; Swagger UI is served. */
@QuarkusTest
class OpenApiTest {
    @Test
    void documentNamesEveryPathParameterAndErrorBody() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("LIC REST gateway"))
                .body("paths.'/v1/encode'.post.parameters.name", hasItems("rate"))
                .body("paths.'/v1/encode'.post.responses.'200'.headers.'X-Lic-Bpp'", notNullValue())
                .body("paths.'/v1/encode'.post.responses.'413'.content.'application/json'.schema.'$ref'",
                        containsString("ErrorBody"))
                .body("paths.'/v1/decode'.post.parameters.name", hasItems("adaptor", "version", "score_threshold",
                        "nms_iou", "format"))
                .body("paths.'/v1/decode'.post.responses.'200'.content.'application/octet-stream'", notNullValue())
                .body("paths.'/v1/decode'.post.responses.'200'.headers.'X-Lic-Width'", notNullValue())
                .body("paths.'/v1/decode'.post.responses.'404'.description", containsString("UNKNOWN_ADAPTOR"))
                .body("paths.'/v1/bitstreams'.post.responses.'201'", notNullValue())
                .body("paths.'/v1/bitstreams/{id}'.delete.responses.'401'", notNullValue())
                .body("paths.'/v1/codecs'.get", notNullValue())
                .body("paths.'/v1/adaptors'.get", notNullValue())
                .body("components.schemas.ErrorBody.properties.error", notNullValue());
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/encode"));
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("swagger"));
    }
}
