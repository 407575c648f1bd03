package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
)

// corsMethods and corsHeaders are what a page of an allowed origin may send: every method the
// API has, and the request headers it reads. corsExposed are the response headers such a page
// may read besides the CORS-safelisted ones.
const (
	corsMethods = "GET,HEAD,POST,PUT"
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
func corsHandler(origins []string) fiber.Handler {
	return cors.New(cors.Config{
		AllowOrigins:  strings.Join(origins, ","),
		AllowMethods:  corsMethods,
		AllowHeaders:  corsHeaders,
		ExposeHeaders: corsExposed,
		MaxAge:        600,
	})
}
