<?php
header('X-Served-By: php');
?>
<!DOCTYPE html>
<html>
<head><title>Legacy PHP site</title></head>
<body>
<h1>Legacy PHP site: home</h1>
<p>This page is <code>index.php</code>, rendered by PHP <?= PHP_MAJOR_VERSION ?>.<?= PHP_MINOR_VERSION ?>.</p>
<ul>
  <li><a href="/page-1.php">Page 1 (PHP)</a></li>
  <li><a href="/page-2.php">Page 2 (PHP)</a></li>
  <li><a href="/hello">Hello (Python)</a></li>
</ul>
</body>
</html>
