package web

import (
	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy is what the pages may load and run, frame-ancestors aside (see
// newSecurityHeaders). The pages are ES modules from this server with no inline script, no
// inline event handler and no eval, so scripts need only 'self'. MapLibre GL JS 6 starts its
// workers from maplibre-gl-worker.mjs next to itself: a same-origin URL, which it passes to
// new Worker directly (blob: and data: workers are its fallback for a cross-origin or opaque
// page origin, neither of which applies), so worker-src 'self'; the worker's script comes with
// this policy too, and its tile requests are same-origin. Tiles, the APIs and the event
// stream are fetched from this server: connect-src 'self'. Images: the favicon, and the data:
// SVG icons of MapLibre's zoom buttons in maplibre-gl.css; no sprites or raster tiles, so no
// blob:. Styles come from style sheets only; the scripts set styles through the CSSOM
// (element.style.width, as MapLibre does too), which CSP allows, and never write style
// attributes or <style> elements, so no 'unsafe-inline'. Fonts are the browser's own (labels
// are rasterised from them, there is no glyph server). Nothing else is loaded: no plugins, no
// <base>, forms only to this server. The browser tests prove each part: Chromium reports every
// violation as a console error, which fails them (worker-src 'none', or img-src without data:,
// does).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

// permissionsPolicy turns off the powerful browser features the pages never use, so that a
// script that got in anyway could not ask for them.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

// securityHeaders are the headers every response carries, pages, API answers, tiles and
// problems alike; made once at start.
type securityHeaders struct {
	csp          string
	frameOptions string // X-Frame-Options, for browsers without frame-ancestors; "" when it cannot say it
}

// newSecurityHeaders builds the headers for the frame-ancestors source list of
// GRIDMAP_FRAME_ANCESTORS ("" meaning 'self'). X-Frame-Options can only say "same origin" or
// "nobody", so it is sent for 'self' and 'none' and left out when a portal may embed the
// pages; browsers that know frame-ancestors ignore it anyway.
func newSecurityHeaders(frameAncestors string) securityHeaders {
	if frameAncestors == "" {
		frameAncestors = "'self'"
	}
	h := securityHeaders{csp: contentSecurityPolicy + "; frame-ancestors " + frameAncestors}
	switch frameAncestors {
	case "'self'":
		h.frameOptions = "SAMEORIGIN"
	case "'none'":
		h.frameOptions = "DENY"
	}
	return h
}

// set puts the headers on c's response. The middleware calls it before any handler runs, and
// the error handler again, for the errors fiber answers before routing (a body too large).
// Not sent: Strict-Transport-Security, which belongs to the TLS proxy in front (this server
// speaks plain HTTP); Cross-Origin-Opener-Policy, which browsers ignore, with a console
// message, on plain-HTTP addresses other than localhost — where intranet walls usually run.
func (h securityHeaders) set(c *fiber.Ctx) {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, h.csp)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderPermissionsPolicy, permissionsPolicy)
	// Other sites may not embed these answers with <img> or <script> (no-cors); CORS requests,
	// which GRIDMAP_CORS_ORIGINS governs, are not affected.
	c.Set(fiber.HeaderCrossOriginResourcePolicy, "same-origin")
	if h.frameOptions != "" {
		c.Set(fiber.HeaderXFrameOptions, h.frameOptions)
	}
}

// secure is the middleware that puts the security headers on every response.
func (s *Server) secure(c *fiber.Ctx) error {
	s.security.set(c)
	return c.Next()
}
