package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

func batchBody(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"client_id":"%s-%d","lon":%.5f,"lat":25.73,"category":"noise","channel":"grid_patrol"}`+"\n", prefix, i, 119.371+float64(i%180)*0.0001)
	}
	return b.String()
}

func countStored(t *testing.T, url, like string) int {
	t.Helper()
	db, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM incidents WHERE client_key LIKE $1", like).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type batchSummary struct {
	Created       int `json:"created"`
	AlreadyStored int `json:"already_stored"`
	Rejected      int `json:"rejected"`
}

// postBatch sends a batch and returns its summary, or an error when the request failed.
func postBatch(base, body, token string) (batchSummary, int, error) {
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/batch", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return batchSummary{}, 0, err
	}
	defer resp.Body.Close()
	var s batchSummary
	json.NewDecoder(resp.Body).Decode(&s)
	return s, resp.StatusCode, nil
}

// TestBatchRetriedAfterCutConnection sends a batch and hangs up before reading the answer, as a
// client whose network dropped would; the retry must store nothing twice.
func TestBatchRetriedAfterCutConnection(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatal(stderr)
	}
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	body := batchBody("cut", 2000)

	// Cut while the body is still being sent: nothing may be stored.
	conn, err := net.Dial("tcp", a.Addr())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/incidents/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", tok, len(body), body[:len(body)/2])
	conn.Close()
	time.Sleep(200 * time.Millisecond)
	if n := countStored(t, url, "batch:cut-%"); n != 0 {
		t.Fatalf("a half-sent batch stored %d incidents", n)
	}

	// Cut after sending it all, before the answer: the server may or may not have committed.
	conn, err = net.Dial("tcp", a.Addr())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/incidents/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", tok, len(body), body)
	conn.Close()

	// The client retries until it gets an answer.
	base := "http://" + a.Addr()
	var s batchSummary
	for i := 0; ; i++ {
		var code int
		s, code, err = postBatch(base, body, tok)
		if err == nil && code == 200 {
			break
		}
		if i > 50 {
			t.Fatalf("retry never succeeded: %d %v", code, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.Created+s.AlreadyStored != 2000 || s.Rejected != 0 {
		t.Errorf("retry: %+v", s)
	}
	if n := countStored(t, url, "batch:cut-%"); n != 2000 {
		t.Errorf("%d incidents stored, want each of 2000 exactly once", n)
	}
}

// TestBatchesSurviveDatabaseConnectionLoss kills the server's database connections while
// batches are in flight; clients retry failed batches, and every incident is stored exactly once.
func TestBatchesSurviveDatabaseConnectionLoss(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatal(stderr)
	}
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	killer, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close()
	stop := make(chan struct{})
	var killed int
	var kwg sync.WaitGroup
	kwg.Add(1)
	go func() {
		defer kwg.Done()
		for round := 0; round < 20; round++ { // then the database recovers
			select {
			case <-stop:
				return
			case <-time.After(40 * time.Millisecond):
			}
			var n int
			killer.Pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'gridmap' AND state = 'active'`).Scan(&n)
			killed += n
		}
	}()
	const clients, batches, size = 4, 5, 500
	var wg sync.WaitGroup
	var failures sync.Map
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				body := batchBody(fmt.Sprintf("kill-%d-%d", c, b), size)
				for try := 0; ; try++ {
					_, code, err := postBatch(base, body, tok)
					if err == nil && code == 200 {
						break
					}
					if code != 0 && code != 503 {
						t.Errorf("a failed batch answered %d, want 503", code)
					}
					failures.Store(fmt.Sprintf("%d-%d-%d", c, b, try), code)
					if try > 100 {
						t.Errorf("batch %d/%d never stored", c, b)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}(c)
	}
	wg.Wait()
	close(stop)
	kwg.Wait()
	nfail := 0
	failures.Range(func(any, any) bool { nfail++; return true })
	t.Logf("killed %d database connections; %d batch attempts failed and were retried", killed, nfail)
	if n := countStored(t, url, "batch:kill-%"); n != clients*batches*size {
		t.Errorf("%d incidents stored, want each of %d exactly once", n, clients*batches*size)
	}
}

// TestConcurrentSingleReportsShareKeys sends the same few reports from many clients at once:
// each key is stored once and every client gets that incident.
func TestConcurrentSingleReportsShareKeys(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatal(stderr)
	}
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	ids := make([]sync.Map, 5)
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			k := i % 5
			req, _ := http.NewRequest("POST", base+"/api/v1/incidents", strings.NewReader(fmt.Sprintf(`{"lon":119.375,"lat":25.73,"category":"noise","channel":"walk_in","description":"key %d"}`, k)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("shared-%d", k))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var in struct{ ID int64 }
			line, _ := bufio.NewReader(resp.Body).ReadString(0)
			json.Unmarshal([]byte(line), &in)
			if resp.StatusCode != 201 && resp.StatusCode != 200 {
				t.Errorf("status %d: %s", resp.StatusCode, line)
			}
			ids[k].Store(in.ID, true)
		}(i)
	}
	wg.Wait()
	for k := range ids {
		n := 0
		ids[k].Range(func(any, any) bool { n++; return true })
		if n != 1 {
			t.Errorf("key %d answered with %d different incidents", k, n)
		}
	}
	if n := countStored(t, url, "idem:shared-%"); n != 5 {
		t.Errorf("%d stored, want 5", n)
	}
}
