package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
)

// corsHeaders are the request headers a page of an allowed origin may send: those the API
// reads. corsExposed are the response headers such a page may read besides the
// CORS-safelisted ones. The methods it may use are those of the route table (corsMethods).
const (
	corsHeaders = "Authorization,Content-Type,Idempotency-Key,If-None-Match,Last-Event-ID"
	corsExposed = "ETag,Location,Idempotent-Replayed,X-Request-ID"
)

// corsHandler answers CORS for the origins of GRIDMAP_CORS_ORIGINS, exactly as config
// validated them: a request from one of them gets Access-Control-Allow-Origin with its origin
// and the exposed headers; a preflight (OPTIONS with Access-Control-Request-Method) is answered
// 204 with the allowed methods and headers, cached by the browser for 10 minutes; every
// response says Vary: Origin, so that caches keep the answers apart. Credentials (cookies) are
// never allowed: the API authenticates with a bearer token the page sends itself. Requests
// from other origins get no Access-Control-Allow-Origin, so their browsers refuse them the
// answer.
func corsHandler(origins []string, routes []Route) fiber.Handler {
	return cors.New(cors.Config{
		AllowOrigins:  strings.Join(origins, ","),
		AllowMethods:  corsMethods(routes),
		AllowHeaders:  corsHeaders,
		ExposeHeaders: corsExposed,
		MaxAge:        600,
	})
}

// corsMethods lists every method the routes answer, in the order they first appear (HEAD
// with GET, which answers it too).
func corsMethods(routes []Route) string {
	var out []string
	for _, r := range routes {
		for _, m := range []string{r.Method, fiber.MethodHead} {
			if !slices.Contains(out, m) && (m == r.Method || r.Method == fiber.MethodGet) {
				out = append(out, m)
			}
		}
	}
	return strings.Join(out, ",")
}
