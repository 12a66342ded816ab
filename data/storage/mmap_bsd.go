//go:build unix && !linux

package storage

const mapPopulate = 0
