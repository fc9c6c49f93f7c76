import Hummingbird

/// `GET /api/v1/openapi.yaml`: the API's description, `docs/openapi.yaml`, as built into the
/// binary (`OpenAPIDocument`, generated from the file by `docs/generate_openapi_swift.py`), so an
/// installed `baton` serves it with no source tree beside it. A test checks that the served
/// bytes are the file's, so the two cannot drift apart.
struct OpenAPIRoutes {
    func register(on api: RouterGroup<BatonRequestContext>) {
        let bytes = ByteBuffer(string: OpenAPIDocument.yaml + "\n")
        api.get("openapi.yaml") { request, _ in
            _ = try APIQuery(request, allowed: [])
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"], body: .init(byteBuffer: bytes))
        }
    }
}
