// The concurrent prime sieve in Go, for bench/runtime/prime-sieve.bench.ts: the same program as the gocsp one,
// timed the same way (wall and CPU time of finding the first N primes, start-up excluded), REPS runs.
//
// Run alone: go run bench/runtime/go/sieve.go [primes] [reps]
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func generate(ch chan<- int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(src <-chan int, dst chan<- int, prime int) {
	for n := range src {
		if n%prime != 0 {
			dst <- n
		}
	}
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	n, reps := 800, 3
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		reps, _ = strconv.Atoi(os.Args[2])
	}
	for r := 0; r < reps; r++ {
		t0, c0 := time.Now(), cpu()
		ch := make(chan int)
		go generate(ch)
		last := 0
		for i := 0; i < n; i++ {
			last = <-ch
			next := make(chan int)
			go filter(ch, next, last)
			ch = next
		}
		wall, c := time.Since(t0), cpu()-c0
		fmt.Printf("RESULT {\"last\":%d,\"wallMs\":%.2f,\"cpuMs\":%.2f}\n", last, float64(wall.Microseconds())/1000, float64(c.Microseconds())/1000)
	}
}
