package postgis

// Translate lets the external tests check how driver errors become domain errors.
var Translate = translate
