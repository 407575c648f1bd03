package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// rawClient is a minimal HTTP/1.1 client for GET requests over one kept-alive connection. It
// spends a fraction of net/http's CPU per request (no per-request goroutines, maps or header
// objects), so that on a small machine the load generator does not take the CPU the measured
// server needs: each worker has its own. It understands exactly what gridmap sends: a status
// line, headers and a body of Content-Length bytes (none for 204 and 304).
type rawClient struct {
	addr, host string
	conn       net.Conn
	r          *bufio.Reader
	w          *bufio.Writer
	body       []byte
}

func newRawClient(base string) (*rawClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("the raw client speaks plain http, not %s", u.Scheme)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &rawClient{addr: addr, host: u.Host}, nil
}

// get sends GET path with the given headers and returns the status and the body, which is
// valid until the next call.
func (c *rawClient) get(ctx context.Context, path string, header http.Header) (int, []byte, error) {
	if c.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.r, c.w = conn, bufio.NewReaderSize(conn, 64<<10), bufio.NewWriterSize(conn, 4<<10)
	}
	// A request in flight when the run's time is up is let finish (the workers stop before
	// sending the next one), so that the end of a run is not counted as errors.
	c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	status, body, err := c.roundTrip(path, header)
	if err != nil {
		c.conn.Close()
		c.conn = nil
	}
	return status, body, err
}

func (c *rawClient) roundTrip(path string, header http.Header) (int, []byte, error) {
	c.w.WriteString("GET ")
	c.w.WriteString(path)
	c.w.WriteString(" HTTP/1.1\r\nHost: ")
	c.w.WriteString(c.host)
	c.w.WriteString("\r\nUser-Agent: gridmap-loadgen\r\n")
	for k, vs := range header {
		for _, v := range vs {
			c.w.WriteString(k)
			c.w.WriteString(": ")
			c.w.WriteString(v)
			c.w.WriteString("\r\n")
		}
	}
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return 0, nil, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, fmt.Errorf("malformed status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("malformed status line %q", line)
	}
	length, closeAfter := -1, false
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, nil, errors.New("chunked responses are not supported by the raw client")
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closeAfter = true
		}
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		length = 0
	}
	if length < 0 {
		return 0, nil, errors.New("response without Content-Length")
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	c.body = c.body[:length]
	if _, err := io.ReadFull(c.r, c.body); err != nil {
		return 0, nil, err
	}
	if closeAfter {
		c.conn.Close()
		c.conn = nil
	}
	return status, c.body, nil
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
