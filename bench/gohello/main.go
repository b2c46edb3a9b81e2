// Command gohello is the ceiling of bench/serve: a bare Go net/http hello-world, the same bytes
// as bench/apps/hello, with no Python in the path. One process, GOMAXPROCS left at its default.
package main

import (
	"flag"
	"log"
	"net/http"
	"strconv"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8000", "address to listen on")
	flag.Parse()
	body := []byte("Hello, world!\n")
	length := strconv.Itoa(len(body))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain; charset=utf-8"}
		h["Content-Length"] = []string{length}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*listen, nil))
}
