//go:build tools

// Package tools pins the etcd server for the sandbox build.
package tools

import _ "go.etcd.io/etcd/server/v3"
